// name: neighbourhood_seeds (level 0 of the walk, one label)
// answers: the seed nodes of one label; the store joins a branch per label by UNION ALL inside the
//   CALL that opens the neighbourhood query
// parameters: $ids (map: label -> seed ids); {label} comes from the model's allow-list
// columns: n
UNWIND $ids.{label} AS id
MATCH (n:{label} {id: id})
RETURN n
