// hidden_foreign_owner (rule 6b): exporters of controlled lines with a party of another country (nationality,
// else country) up to $max_depth ownership levels above them (at most 10: the bound of the pattern), and rows
// of four kinds, each {kind, row}: the ownership relationships on those chains (per exporter), the firms and
// people on them (the exporter included), the exporter's controlled lines, and who owns, controls or directs
// their consignees or the register records of the same firms (same normalised name and country, SAME_AS).
// Parameters: $max_depth. Columns: as graphtool/alerts/rules/hidden_foreign_owner.py returns them.
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)
WHERE d.control_rule IS NOT NULL
WITH DISTINCT x
MATCH p = (x)<-[:OWNS*1..10]-()
WHERE length(p) <= $max_depth
WITH x, collect(p) AS chains
WHERE any(p IN chains WHERE coalesce(last(nodes(p)).nationality, last(nodes(p)).country) <> x.country)
CALL (x, chains) {
  UNWIND chains AS p
  UNWIND relationships(p) AS r
  WITH DISTINCT r
  RETURN 'owns' AS kind, {exporter: x.id, id: coalesce(r.id, type(r) + ':' + startNode(r).id + '>' + endNode(r).id),
         src: startNode(r).id, dst: endNode(r).id, percent: r.percent,
         percent_min: r.percent_min, percent_max: r.percent_max, interest: r.interest,
         declared_indirect: r.declared_indirect, start_date: r.start_date, end_date: r.end_date,
         edge_src: r.source_file_id, edge_row: r.source_row} AS row
  UNION
  UNWIND chains AS p
  UNWIND nodes(p) AS n
  WITH DISTINCT n
  RETURN 'node' AS kind, {id: n.id, label: CASE WHEN n:Person THEN 'Person' ELSE 'Company' END, name: n.name,
         nationality: n.nationality, country: n.country, sector: n.sector, topics: n.topics,
         node_src: n.source_file_id, node_row: n.source_row} AS row
  UNION
  MATCH (x)-[:EXPORTED]->(d:Declaration)
  WHERE d.control_rule IS NOT NULL
  OPTIONAL MATCH (d)-[:CONSIGNED_TO]->(c:Company)
  RETURN 'decl' AS kind, {decl: d.id, decl_src: d.source_file_id, decl_row: d.source_row, decl_no: d.declaration_no, day: d.declaration_date, hs: d.hs_code, description: d.description, specs: d.specs, net_kg: d.net_kg, uv: d.unit_value_usd, value_usd: d.value_usd, control_rule: d.control_rule, licence_no: d.licence_no, transport_mode: d.transport_mode, trade_mode: d.trade_mode, destination: d.destination_country, exporter: x.id, exporter_name: x.name, consignee: c.id, consignee_name: c.name, consignee_country: c.country} AS row
  UNION
  MATCH (x)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)
  WHERE d.control_rule IS NOT NULL
  WITH DISTINCT c
  CALL (c) {
    RETURN c AS r
    UNION
    MATCH (r:Company)
    WHERE r.name_norm = c.name_norm AND (r.country = c.country OR (r.country IS NULL AND c.country IS NULL))
    RETURN r
    UNION
    MATCH (c)-[:SAME_AS]-(r:Company)
    RETURN r
  }
  MATCH (r)<-[l:OWNS|CONTROLS|OFFICER_OF]-(party)
  RETURN 'link' AS kind, {consignee: c.id, id: coalesce(l.id, type(l) + ':' + party.id + '>' + r.id), via: type(l),
         party: party.id, percent: l.percent,
         link_src: l.source_file_id, link_row: l.source_row} AS row
}
RETURN DISTINCT kind, row
