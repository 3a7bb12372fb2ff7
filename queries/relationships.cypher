// name: relationships among nodes
// answers: the relationships between nodes of a set (the edges of a neighbourhood, a path, a flow)
// parameters: $ids (map: label -> ids of the set's nodes that relationships start from), $all_ids
//   (every id of the set), $edge_ids (only these, or null for all), $since, $until (validity window
//   or null), $limit; {label} and {types} come from the model's allow-list
// columns: id, type, src, dst, props
UNWIND $ids.{label} AS id
MATCH (a:{label} {id: id})-[r{types}]->(b)
WHERE b.id IN $all_ids
  AND ($edge_ids IS NULL OR r.id IN $edge_ids)
  AND ($until IS NULL OR r.start_date IS NULL OR r.start_date <= $until)
  AND ($since IS NULL OR r.end_date IS NULL OR r.end_date >= $since)
RETURN r.id AS id, type(r) AS type, a.id AS src, b.id AS dst, properties(r) AS props
LIMIT $limit
