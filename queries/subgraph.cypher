// name: subgraph (the end of a query that shows nodes)
// answers: the nodes in $nodes with every property and their provenance, the relationships among them
//   (of these types, valid in the window, with these ids), and $total, in one row: one record per
//   node costs the driver more than the server's work (measured). The store puts it after the
//   neighbourhood walk (nodes: the shown ones, total: all reached) or after node_set (nodes: the set,
//   total: its size), so a neighbourhood or a path's subgraph is one round trip.
//   A node with more than $dense_degree outgoing (or incoming) relationships of these types is
//   "heavy" on that side and is not expanded there: a busy exporter has ~14,000 declarations and only
//   a few of them are shown. Each relationship s->e is found exactly once: from s when s is light
//   outgoing; else from e when e is light incoming; else (both heavy) between the two (Expand(Into),
//   which walks the shorter list)
// parameters: $dense_degree (from investigations/parameters.yaml), $edge_ids (only these, or null
//   for all), $since, $until (validity window or null), $max_relationships; {types} comes from the
//   model's allow-list
// columns: nodes (list of maps: id, props), relationships (list of maps: id, type, src, dst, props),
//   total, files (the source files they name: [file_id, name, sha256])
WITH nodes, total,
     [x IN nodes WHERE COUNT { (x)-[{types}]->() } > $dense_degree] AS heavy_out,
     [x IN nodes WHERE COUNT { (x)<-[{types}]-() } > $dense_degree] AS heavy_in
CALL (nodes, heavy_out, heavy_in) {
  CALL (nodes, heavy_out, heavy_in) {
    UNWIND [x IN nodes WHERE NOT x IN heavy_out] AS a
    MATCH (a)-[r{types}]->(b)
    WHERE b IN nodes
    RETURN r, a AS src, b AS dst
    UNION ALL
    UNWIND [x IN nodes WHERE NOT x IN heavy_in] AS a
    MATCH (a)<-[r{types}]-(b)
    WHERE b IN heavy_out
    RETURN r, b AS src, a AS dst
    UNION ALL
    UNWIND heavy_out AS a
    UNWIND heavy_in AS b
    MATCH (a)-[r{types}]->(b)
    RETURN r, a AS src, b AS dst
  }
  WITH r, src, dst, coalesce(r.id, type(r) + ':' + src.id + '>' + dst.id) AS id
  WHERE ($edge_ids IS NULL OR id IN $edge_ids)
    AND ($until IS NULL OR r.start_date IS NULL OR r.start_date <= $until)
    AND ($since IS NULL OR r.end_date IS NULL OR r.end_date >= $since)
  WITH r, src, dst, id
  LIMIT $max_relationships
  RETURN collect({id: id, type: type(r), src: src.id, dst: dst.id, props: properties(r)}) AS relationships
}
RETURN [n IN nodes | {id: n.id, props: properties(n)}] AS nodes, relationships, total,
       COLLECT {
         UNWIND [n IN nodes | n.source_file_id] + [r IN relationships | r.props.source_file_id] AS file
         WITH DISTINCT file WHERE file IS NOT NULL
         MATCH (f:SourceFile {id: 'SourceFile:' + file})
         RETURN [f.file_id, f.name, f.sha256]
       } AS files
LIMIT 1
