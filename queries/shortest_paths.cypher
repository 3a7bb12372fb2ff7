// name: shortest paths
// answers: every shortest path (in either direction) from one node to each of some targets, at most
//   {max_hops} relationships long, in answer order (length, node ids, relationship ids)
// parameters: $src, $targets (ids of {dst_label} nodes), $limit; {src_label}, {dst_label}, {types}
//   come from the model's allow-list, {max_hops} is a checked integer (graphtool.investigations.paths)
// columns: node_ids, edge_ids
MATCH (a:{src_label} {id: $src})
UNWIND $targets AS target
MATCH (b:{dst_label} {id: target})
WHERE a <> b
MATCH p = allShortestPaths((a)-[{types}*..{max_hops}]-(b))
WITH [n IN nodes(p) | n.id] AS node_ids, [r IN relationships(p) | coalesce(r.id, type(r) + ':' + startNode(r).id + '>' + endNode(r).id)] AS edge_ids
RETURN node_ids, edge_ids
ORDER BY size(edge_ids), node_ids, edge_ids
LIMIT $limit
