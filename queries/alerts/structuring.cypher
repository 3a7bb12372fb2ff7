// structuring (rule 4): parcels by $modes or $trade_modes just under a value ($value_thresholds_usd) or
// weight ($weight_thresholds_kg) threshold (within $under_share below it).
// Columns: as graphtool/alerts/rules/structuring.py returns them.
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)
WHERE (d.transport_mode IN $modes OR d.trade_mode IN $trade_modes)
  AND (any(t IN $value_thresholds_usd WHERE d.value_usd < t AND d.value_usd >= t * (1 - $under_share))
       OR any(w IN $weight_thresholds_kg WHERE d.net_kg < w AND d.net_kg >= w * (1 - $under_share)))
RETURN d.id AS decl, d.source_file_id AS decl_src, d.source_row AS decl_row, d.declaration_no AS decl_no,
       d.declaration_date AS day, d.hs_code AS hs, d.description AS description, d.specs AS specs, d.net_kg AS net_kg,
       d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule, d.licence_no AS licence_no,
       d.transport_mode AS transport_mode, d.trade_mode AS trade_mode, d.destination_country AS destination,
       x.id AS exporter, x.name AS exporter_name, c.id AS consignee, c.name AS consignee_name,
       c.country AS consignee_country
