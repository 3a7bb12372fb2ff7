// shared_contacts (rule 5a): controlled lines of exporter-consignee pairs whose register records share a
// phone, an e-mail domain (not in $free_mail), an address, an officer or an owner.
// Columns: as graphtool/alerts/rules/shared_contacts.py returns them.
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)
WHERE d.control_rule IS NOT NULL
WITH DISTINCT x, c
CALL (x) {
  OPTIONAL MATCH (r:Company) WHERE r.name_norm = x.name_norm
    AND (r.country = x.country OR (r.country IS NULL AND x.country IS NULL))
    AND r.source_file_id <> x.source_file_id AND (r.sector IS NOT NULL OR r.phone IS NOT NULL)
  WITH x, min(r.id) AS twin
  OPTIONAL MATCH (x)-[:SAME_AS]->(o:Company)
  WITH twin, x, collect(DISTINCT o.id) AS others
  MATCH (g:Company) WHERE g.id = coalesce(twin, x.id) OR g.id IN others
  RETURN collect(g) AS xregs
}
CALL (c) {
  OPTIONAL MATCH (r:Company) WHERE r.name_norm = c.name_norm
    AND (r.country = c.country OR (r.country IS NULL AND c.country IS NULL))
    AND r.source_file_id <> c.source_file_id AND (r.sector IS NOT NULL OR r.phone IS NOT NULL)
  WITH c, min(r.id) AS twin
  OPTIONAL MATCH (c)-[:SAME_AS]->(o:Company)
  WITH twin, c, collect(DISTINCT o.id) AS others
  MATCH (g:Company) WHERE g.id = coalesce(twin, c.id) OR g.id IN others
  RETURN collect(g) AS cregs
}
UNWIND xregs AS xr
UNWIND cregs AS cr
WITH x, c, xr, cr WHERE xr.id <> cr.id
CALL (xr, cr) {
  OPTIONAL MATCH (xr)-[:HAS_PHONE]->(ph:Phone)<-[:HAS_PHONE]-(cr)
  WITH xr, cr, min(ph.number) AS phone, count(ph) > 0 AS same_phone
  OPTIONAL MATCH (xr)-[:HAS_EMAIL]->(e1:Email), (cr)-[:HAS_EMAIL]->(e2:Email)
  WHERE e1.domain = e2.domain AND NOT e1.domain IN $free_mail
  WITH xr, cr, phone, same_phone, min(e2.domain) AS domain, count(e2) > 0 AS same_domain
  OPTIONAL MATCH (xr)-[:LOCATED_AT]->(ad:Address)<-[:LOCATED_AT]-(cr)
  WITH xr, cr, phone, same_phone, domain, same_domain, count(ad) > 0 AS same_address
  RETURN phone, same_phone, domain, same_domain, same_address,
         EXISTS { (xr)<-[:OFFICER_OF|OWNS|CONTROLS]-()-[:OFFICER_OF|OWNS|CONTROLS]->(cr) }
         OR EXISTS { (xr)-[:OFFICER_OF|OWNS|CONTROLS]->(cr) } AS same_people
}
WITH x, c, xr, cr, phone, same_phone, domain, same_domain, same_address, same_people
WHERE same_phone OR same_domain OR same_address OR same_people
WITH x, c, min(xr.id) AS exporter_reg, min(cr.id) AS consignee_reg, min(phone) AS phone, min(domain) AS domain,
     any(v IN collect(same_phone) WHERE v) AS same_phone, any(v IN collect(same_domain) WHERE v) AS same_domain,
     any(v IN collect(same_address) WHERE v) AS same_address, any(v IN collect(same_people) WHERE v) AS same_people
MATCH (f:Company {id: consignee_reg})
MATCH (x)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c)
WHERE d.control_rule IS NOT NULL
RETURN d.id AS decl, d.source_file_id AS decl_src, d.source_row AS decl_row, d.declaration_no AS decl_no,
       d.declaration_date AS day, d.hs_code AS hs, d.description AS description, d.specs AS specs, d.net_kg AS net_kg,
       d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule, d.licence_no AS licence_no,
       d.transport_mode AS transport_mode, d.trade_mode AS trade_mode, d.destination_country AS destination,
       x.id AS exporter, x.name AS exporter_name, c.id AS consignee, c.name AS consignee_name,
       c.country AS consignee_country, exporter_reg, consignee_reg, f.source_file_id AS consignee_src, f.source_row AS consignee_row,
       same_phone, same_domain, same_address, same_people, phone, domain
