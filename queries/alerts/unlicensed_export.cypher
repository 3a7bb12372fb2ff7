// unlicensed_export (rule 2): every line under a control rule in force, with its licence if any.
// Parameters: none. Columns: as graphtool/alerts/rules/unlicensed_export.py returns them.
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)
WHERE d.control_rule IS NOT NULL
OPTIONAL MATCH (d)-[:UNDER_LICENCE]->(l:Licence)
RETURN d.id AS decl, d.source_file_id AS decl_src, d.source_row AS decl_row, d.declaration_no AS decl_no,
       d.declaration_date AS day, d.hs_code AS hs, d.description AS description, d.specs AS specs, d.net_kg AS net_kg,
       d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule, d.licence_no AS licence_no,
       d.transport_mode AS transport_mode, d.trade_mode AS trade_mode, d.destination_country AS destination,
       x.id AS exporter, x.name AS exporter_name, c.id AS consignee, c.name AS consignee_name,
       c.country AS consignee_country,
       l.id AS licence, l.source_file_id AS licence_src, l.source_row AS licence_row, l.valid_from AS licence_from,
       l.valid_to AS licence_to, l.quantity_kg AS licence_kg, l.destination_country AS licence_country,
       l.end_user_name AS licence_end_user
