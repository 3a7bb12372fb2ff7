// name: listed parties
// answers: which nodes count as listed parties: every ListEntry, anything LISTED_AS one, and firms or
//   people with a listed topic (e.g. sanction) - the targets of "paths to any listed party"
// parameters: $topics (list of topics, from investigations/parameters.yaml), $limit
// columns: id
CALL () {
  MATCH (e:ListEntry) RETURN e.id AS id
  UNION
  MATCH (x)-[:LISTED_AS]->(:ListEntry) RETURN x.id AS id
  UNION
  MATCH (x:Company) WHERE any(t IN coalesce(x.topics, []) WHERE t IN $topics) RETURN x.id AS id
  UNION
  MATCH (x:Person) WHERE any(t IN coalesce(x.topics, []) WHERE t IN $topics) RETURN x.id AS id
}
RETURN id
LIMIT $limit
