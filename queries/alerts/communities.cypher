// communities (rule 10a): ownership, control and officer links between parties, and the controlled lines,
// each {kind, row}. Columns: as graphtool/alerts/rules/communities.py returns them.
MATCH (a)-[r:OWNS|CONTROLS|OFFICER_OF]->(b)
RETURN 'link' AS kind, {a: a.id, b: b.id, via: type(r)} AS row
UNION ALL
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)
WHERE d.control_rule IS NOT NULL
RETURN 'trade' AS kind, {decl: d.id, decl_src: d.source_file_id, decl_row: d.source_row, decl_no: d.declaration_no,
       day: d.declaration_date, hs: d.hs_code, description: d.description, specs: d.specs, net_kg: d.net_kg,
       uv: d.unit_value_usd, value_usd: d.value_usd, control_rule: d.control_rule, licence_no: d.licence_no,
       transport_mode: d.transport_mode, trade_mode: d.trade_mode, destination: d.destination_country,
       exporter: x.id, exporter_name: x.name, consignee: c.id, consignee_name: c.name,
       consignee_country: c.country} AS row
