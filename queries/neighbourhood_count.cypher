// name: neighbourhood_count (end of the walk)
// answers: the first $limit reached nodes, nearest first and then by id (the embedded store's order),
//   and how many nodes the walk reached in all; subgraph.cypher follows
// parameters: $limit
// columns: (none: carries nodes, total on to subgraph)
CALL (levels) {
  UNWIND range(0, size(levels) - 1) AS level
  UNWIND levels[level] AS m
  WITH level, m, m.id AS id
  ORDER BY level, id
  LIMIT $limit
  RETURN collect(m) AS nodes
}
WITH nodes, reduce(total = 0, level IN levels | total + size(level)) AS total
