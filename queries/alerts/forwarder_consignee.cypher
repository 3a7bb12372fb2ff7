// forwarder_consignee (rule 7): controlled lines whose consignee is registered in one of $sectors or is
// named like a forwarder ($name_pattern). Columns: as graphtool/alerts/rules/forwarder_consignee.py returns them.
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)
WHERE d.control_rule IS NOT NULL
CALL (c) {
  OPTIONAL MATCH (r:Company) WHERE r.name_norm = c.name_norm
    AND (r.country = c.country OR (r.country IS NULL AND c.country IS NULL))
    AND r.source_file_id <> c.source_file_id AND (r.sector IS NOT NULL OR r.phone IS NOT NULL)
  WITH c, min(r.id) AS twin
  OPTIONAL MATCH (c)-[:SAME_AS]->(o:Company)
  WITH twin, c, collect(DISTINCT o.id) AS others
  MATCH (g:Company) WHERE g.id = coalesce(twin, c.id) OR g.id IN others
  RETURN collect(g) AS registered
}
WITH x, d, c, reduce(m = null, g IN registered | CASE WHEN m IS NULL OR g.sector > m THEN g.sector ELSE m END) AS sector
WHERE sector IN $sectors OR c.name =~ ('.*' + $name_pattern + '.*')
RETURN d.id AS decl, d.source_file_id AS decl_src, d.source_row AS decl_row, d.declaration_no AS decl_no,
       d.declaration_date AS day, d.hs_code AS hs, d.description AS description, d.specs AS specs, d.net_kg AS net_kg,
       d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule, d.licence_no AS licence_no,
       d.transport_mode AS transport_mode, d.trade_mode AS trade_mode, d.destination_country AS destination,
       x.id AS exporter, x.name AS exporter_name, c.id AS consignee, c.name AS consignee_name,
       c.country AS consignee_country, sector AS consignee_sector
