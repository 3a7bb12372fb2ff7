// name: nodes
// answers: the nodes of the set that node_set opens (graphtool.cypher.over_nodes), with every
//   property and their provenance, in one row: one record per node costs the driver more than the
//   server's work (measured). A node's label is its id's prefix (the branch that found it)
// parameters: $ids (map: label -> ids), read by node_set; $files (more file ids to name, or [])
// columns: nodes (list of maps: id, props), files (the source files they name: [file_id, name, sha256])
WITH collect(n) AS found
RETURN [n IN found | {id: n.id, props: properties(n)}] AS nodes,
       COLLECT {
         UNWIND [n IN found | n.source_file_id] + $files AS file
         WITH DISTINCT file WHERE file IS NOT NULL
         MATCH (f:SourceFile {id: 'SourceFile:' + file})
         RETURN [f.file_id, f.name, f.sha256]
       } AS files
LIMIT 1
