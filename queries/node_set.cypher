// name: node_set (the nodes of a set, one label)
// answers: the nodes of one label with these ids; the store joins a branch per label by UNION ALL
//   inside the CALL that opens the neighbourhood (its seeds), nodes and subgraph queries, so every
//   lookup uses that label's id index
// parameters: $ids (map: label -> ids); {label} comes from the model's allow-list
// columns: n
UNWIND $ids.{label} AS id
MATCH (n:{label} {id: id})
RETURN n
