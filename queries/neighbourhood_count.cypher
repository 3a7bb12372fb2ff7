// name: neighbourhood_count (end of the walk)
// answers: the first $limit reached nodes, nearest first and then by id (the embedded store's order),
//   with their level, and how many nodes the walk reached in all
// parameters: $limit
// columns: shown (list of [level, id]), total
CALL (levels) {
  UNWIND range(0, size(levels) - 1) AS level
  UNWIND levels[level] AS m
  WITH level, m.id AS id
  ORDER BY level, id
  LIMIT $limit
  RETURN collect([level, id]) AS shown
}
RETURN shown, reduce(total = 0, level IN levels | total + size(level)) AS total
LIMIT 1
