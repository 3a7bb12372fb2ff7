// name: nodes
// answers: the nodes of the set that node_set opens (graphtool.cypher.over_nodes), with every
//   property and their provenance, in one row: one record per node costs the driver more than the
//   server's work (measured). A node's label is its id's prefix (the branch that found it)
// parameters: $ids (map: label -> ids), read by node_set
// columns: nodes (list of maps: id, props)
RETURN collect({id: n.id, props: properties(n)}) AS nodes
LIMIT 1
