// phoenix (rule 5b): a firm registered around another one's last export that shares its phone or address;
// with $min_shared of (phone, address, officers, consignees) in common, the lines of both firms to the
// consignees they share. Parameters: $before_days, $after_days, $min_shared.
// Columns: as graphtool/alerts/rules/phoenix.py returns them.
MATCH (o:Company)-[:HAS_PHONE|LOCATED_AT]->(k)<-[:HAS_PHONE|LOCATED_AT]-(n:Company)
WHERE o <> n AND o.incorporation_date IS NOT NULL AND n.incorporation_date IS NOT NULL
WITH DISTINCT o, n
CALL (o) { MATCH (o)-[:EXPORTED]->(a:Declaration) RETURN min(a.declaration_date) AS old_first, max(a.declaration_date) AS old_last }
CALL (n) { MATCH (n)-[:EXPORTED]->(a:Declaration) RETURN min(a.declaration_date) AS new_first }
WITH o, n, old_last, new_first
WHERE n.incorporation_date > old_last - duration({days: $before_days})
  AND n.incorporation_date <= old_last + duration({days: $after_days})
  AND new_first > old_last - duration({days: $before_days})
CALL (o, n) {
  OPTIONAL MATCH (o)-[:EXPORTED]->(:Declaration)-[:CONSIGNED_TO]->(cc:Company)<-[:CONSIGNED_TO]-(:Declaration)<-[:EXPORTED]-(n)
  RETURN count(DISTINCT cc) AS shared_customers, collect(DISTINCT cc.id) AS shared_ids
}
WITH o, n, old_last, shared_customers, shared_ids,
     EXISTS { (o)-[:HAS_PHONE]->(:Phone)<-[:HAS_PHONE]-(n) } AS same_phone,
     EXISTS { (o)-[:LOCATED_AT]->(:Address)<-[:LOCATED_AT]-(n) } AS same_address,
     EXISTS { (o)<-[:OFFICER_OF]-()-[:OFFICER_OF]->(n) } AS same_people
WHERE toInteger(same_phone) + toInteger(same_address) + toInteger(same_people) + toInteger(shared_customers > 0) >= $min_shared
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)
WHERE x IN [o, n] AND c.id IN shared_ids
RETURN d.id AS decl, d.source_file_id AS decl_src, d.source_row AS decl_row, d.declaration_no AS decl_no,
       d.declaration_date AS day, d.hs_code AS hs, d.description AS description, d.specs AS specs, d.net_kg AS net_kg,
       d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule, d.licence_no AS licence_no,
       d.transport_mode AS transport_mode, d.trade_mode AS trade_mode, d.destination_country AS destination,
       x.id AS exporter, x.name AS exporter_name, c.id AS consignee, c.name AS consignee_name,
       c.country AS consignee_country, o.id AS old_firm, o.name AS old_name, o.source_file_id AS old_src, o.source_row AS old_row,
       old_last, o.dissolution_date AS old_dissolved, n.id AS new_firm, n.name AS new_name,
       n.source_file_id AS new_src, n.source_row AS new_row, n.incorporation_date AS new_incorporated,
       same_phone, same_address, same_people, shared_customers
