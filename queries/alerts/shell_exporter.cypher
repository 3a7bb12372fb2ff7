// shell_exporter (rule 6): controlled lines of exporters whose first controlled line came within $months
// of their registration, or which registered after the control date. Parameters: $rule_ids, $rule_starts,
// $months. Columns: as graphtool/alerts/rules/shell_exporter.py returns them.
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)
WHERE d.control_rule IN $rule_ids AND x.incorporation_date IS NOT NULL
WITH x, collect(d) AS lines,
     min(d.declaration_date) AS first_controlled,
     min([i IN range(0, size($rule_ids) - 1) WHERE $rule_ids[i] = d.control_rule | date($rule_starts[i])][0]) AS since
WHERE first_controlled <= x.incorporation_date + duration({days: $months * 30}) OR x.incorporation_date >= since
UNWIND lines AS d
MATCH (d)-[:CONSIGNED_TO]->(c:Company)
OPTIONAL MATCH (d)-[:PRODUCED_BY]->(p:Company)
RETURN d.id AS decl, d.source_file_id AS decl_src, d.source_row AS decl_row, d.declaration_no AS decl_no,
       d.declaration_date AS day, d.hs_code AS hs, d.description AS description, d.specs AS specs, d.net_kg AS net_kg,
       d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule, d.licence_no AS licence_no,
       d.transport_mode AS transport_mode, d.trade_mode AS trade_mode, d.destination_country AS destination,
       x.id AS exporter, x.name AS exporter_name, c.id AS consignee, c.name AS consignee_name,
       c.country AS consignee_country, x.source_file_id AS exporter_src, x.source_row AS exporter_row, x.incorporation_date AS incorporation_date,
       x.business_scope AS business_scope, first_controlled, since, p.id AS producer
