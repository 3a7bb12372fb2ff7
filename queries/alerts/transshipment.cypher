// transshipment (rule 3a): controlled lines followed, within $window_days, by an onward bill of lading
// from the consignee with the same HS heading ($hs_digits) and weight (+-$weight_tolerance) to a buyer in
// another country. Columns: as graphtool/alerts/rules/transshipment.py returns them.
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)-[:SHIPPED]->(s:Shipment)-[:CONSIGNED_TO]->(b:Company)
WHERE d.control_rule IS NOT NULL AND s.date IS NOT NULL AND s.weight_kg > 0
  AND ((s.loading_country IS NULL) <> (s.discharge_country IS NULL) OR s.loading_country <> s.discharge_country)
  AND s.date > d.declaration_date AND s.date <= d.declaration_date + duration({days: $window_days})
  AND d.hs_code STARTS WITH left(s.hs_code, $hs_digits)
  AND abs(s.weight_kg - d.net_kg) <= $weight_tolerance * d.net_kg
  AND (b.country IS NULL OR c.country IS NULL OR b.country <> c.country)
  AND NOT (b.country IS NULL AND c.country IS NULL)
OPTIONAL MATCH (x)-[:EXPORTED]->(p:Declaration)-[:CONSIGNED_TO]->(pc:Company)
WHERE pc.name_norm = b.name_norm AND (pc.country = b.country OR (pc.country IS NULL AND b.country IS NULL))
  AND p.declaration_date < d.declaration_date
WITH x, d, c, s, b, count(p) > 0 AS former_buyer
RETURN d.id AS decl, d.source_file_id AS decl_src, d.source_row AS decl_row, d.declaration_no AS decl_no,
       d.declaration_date AS day, d.hs_code AS hs, d.description AS description, d.specs AS specs, d.net_kg AS net_kg,
       d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule, d.licence_no AS licence_no,
       d.transport_mode AS transport_mode, d.trade_mode AS trade_mode, d.destination_country AS destination,
       x.id AS exporter, x.name AS exporter_name, c.id AS consignee, c.name AS consignee_name,
       c.country AS consignee_country,
       s.id AS shipment, s.source_file_id AS shipment_src, s.source_row AS shipment_row, s.bl_no AS bl_no,
       s.date AS shipped, s.hs_code AS shipment_hs, s.weight_kg AS weight_kg, s.discharge_country AS discharge_country,
       b.id AS buyer, b.name AS buyer_name, b.country AS buyer_country, former_buyer
