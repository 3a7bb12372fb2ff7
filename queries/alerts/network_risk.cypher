// network_risk (rule 8): rows of four kinds, each {kind, row}: seeds (a party listed, named like an entry,
// at an entry's address (not a business centre), or with list topics), links between parties (ownership,
// control, officers, list links, resolved identities, same name and country, shared phone or e-mail),
// list entries, and controlled lines. Parameters: $max_address_parties, $address_weight, $topics,
// $max_shared_contacts. Columns: as graphtool/alerts/rules/network_risk.py returns them.
MATCH (p)-[:LISTED_AS]->(l:ListEntry)
RETURN 'seed' AS kind, {party: p.id, entry: l.id, weight: 1.0, via: 'listed'} AS row
UNION ALL
MATCH (c:Company), (l:ListEntry) WHERE l.name_norm = c.name_norm
RETURN 'seed' AS kind, {party: c.id, entry: l.id, weight: 1.0, via: 'name'} AS row
UNION ALL
MATCH (a:Company)-[:LOCATED_AT]->(ad:Address)<-[:LOCATED_AT]-(l:ListEntry)
WHERE COUNT { (ad)<-[:LOCATED_AT]-(z) WHERE NOT z:ListEntry } <= $max_address_parties
RETURN 'seed' AS kind, {party: a.id, entry: l.id, weight: $address_weight, via: 'address'} AS row
UNION ALL
MATCH (c:Company) WHERE any(t IN coalesce(c.topics, []) WHERE t IN $topics)
RETURN 'seed' AS kind, {party: c.id, entry: null, weight: 1.0, via: 'topics'} AS row
UNION ALL
MATCH (a)-[r:OWNS|CONTROLS|OFFICER_OF|LINKED_TO|SAME_AS]->(b)
RETURN 'link' AS kind, {a: a.id, b: b.id, via: type(r)} AS row
UNION ALL
MATCH (c:Company), (r:Company)
WHERE r.name_norm = c.name_norm AND (r.country = c.country OR (r.country IS NULL AND c.country IS NULL)) AND r.id <> c.id
RETURN 'link' AS kind, {a: c.id, b: r.id, via: 'SAME_NAME'} AS row
UNION ALL
MATCH (x)-[t:HAS_PHONE|HAS_EMAIL]->(n)<-[t2]-(y)
WHERE type(t2) = type(t) AND y.id > x.id AND COUNT { (n)<-[u]-() WHERE type(u) = type(t) } <= $max_shared_contacts
RETURN 'link' AS kind, {a: x.id, b: y.id, via: type(t)} AS row
UNION ALL
MATCH (l:ListEntry)
RETURN 'entry' AS kind, {entry: l.id, entry_name: l.name, entry_aliases: l.aliases, entry_country: l.country,
       list_name: l.list_name, start_date: l.start_date, end_date: l.end_date, entry_src: l.source_file_id,
       entry_row: l.source_row} AS row
UNION ALL
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)-[:CONSIGNED_TO]->(c:Company)
WHERE d.control_rule IS NOT NULL
RETURN 'decl' AS kind, {decl: d.id, decl_src: d.source_file_id, decl_row: d.source_row, decl_no: d.declaration_no, day: d.declaration_date, hs: d.hs_code, description: d.description, specs: d.specs, net_kg: d.net_kg, uv: d.unit_value_usd, value_usd: d.value_usd, control_rule: d.control_rule, licence_no: d.licence_no, transport_mode: d.transport_mode, trade_mode: d.trade_mode, destination: d.destination_country, exporter: x.id, exporter_name: x.name, consignee: c.id, consignee_name: c.name, consignee_country: c.country} AS row
