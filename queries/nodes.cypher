// name: nodes
// answers: the nodes with these ids, with every property and their provenance
// parameters: $ids (map: label -> list of ids); {label} is filled from the model's labels, one
//   UNION ALL branch per label present
// columns: id, label, props
UNWIND $ids.{label} AS id
MATCH (n:{label} {id: id})
RETURN n.id AS id, '{label}' AS label, properties(n) AS props
