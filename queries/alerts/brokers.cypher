// brokers (rule 10b): the flagged declarations ($flagged: ids of the other rules' alerts) with their declaring
// agent, and every agent's number of lines (exporters filing for themselves left out), each {kind, row}.
// Columns: as graphtool/alerts/rules/brokers.py returns them.
UNWIND $flagged AS id
MATCH (x:Company)-[:EXPORTED]->(d:Declaration {id: id})-[:DECLARED_BY]->(a:Company)
MATCH (d)-[:CONSIGNED_TO]->(c:Company)
WHERE a <> x
RETURN 'flagged' AS kind, {agent: a.id, agent_name: a.name, agent_src: a.source_file_id, agent_row: a.source_row,
       decl: d.id, decl_src: d.source_file_id, decl_row: d.source_row, exporter: x.id, consignee: c.id,
       day: d.declaration_date, hs: d.hs_code} AS row
UNION ALL
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:DECLARED_BY]->(a:Company)
WHERE a <> x
WITH a.id AS agent, count(d) AS lines
RETURN 'total' AS kind, {agent: agent, lines: lines} AS row
