// name: search rows
// answers: every node of one searchable label with its properties; graphtool.search builds its
//   table of name forms from them once per data version and ranks queries the same way on both backends
// parameters: $limit; {label} comes from the model (graphtool.search.SEARCHABLE)
// columns: id, label, props
MATCH (n:{label})
RETURN n.id AS id, '{label}' AS label, properties(n) AS props
LIMIT $limit
