// name: all simple paths
// answers: every simple path (no node twice, either direction) from one node to some targets, at most
//   {max_hops} relationships long, in answer order (length, node ids, relationship ids)
// parameters: $src, $targets (ids of {dst_label} nodes), $limit; {src_label}, {dst_label}, {types}
//   come from the model's allow-list, {max_hops} is a checked integer
// columns: node_ids, edge_ids
MATCH (a:{src_label} {id: $src})
UNWIND $targets AS target
MATCH (b:{dst_label} {id: target})
WHERE a <> b
MATCH p = (a)-[{types}*1..{max_hops}]-(b)
WHERE all(i IN range(0, size(nodes(p)) - 2) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH [n IN nodes(p) | n.id] AS node_ids, [r IN relationships(p) | coalesce(r.id, type(r) + ':' + startNode(r).id + '>' + endNode(r).id)] AS edge_ids
RETURN node_ids, edge_ids
ORDER BY size(edge_ids), node_ids, edge_ids
LIMIT $limit
