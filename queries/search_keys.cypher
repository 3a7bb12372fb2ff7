// name: search by key
// answers: declarations, bills of lading or licences whose number is exactly the query
// parameters: $value (the query), $limit; {label} comes from the model, {fields} are that label's
//   key properties (graphtool.search.KEYS)
// columns: id, label, props
MATCH (n:{label})
WHERE any(f IN {fields} WHERE n[f] = $value)
RETURN n.id AS id, '{label}' AS label, properties(n) AS props
LIMIT $limit
