// misdeclaration (rule 1): lines under uncontrolled codes valued far above the median of their
// 8-digit code, or the uncontrolled sibling of a controlled code the exporter stopped using at the
// control date. Parameters: $controlled_codes, $controlled_from (parallel lists), $value_ratio,
// $min_code_lines. Columns: as graphtool/alerts/rules/misdeclaration.py returns them.
WITH [i IN range(0, size($controlled_codes) - 1) |
      {code: $controlled_codes[i], h8: left($controlled_codes[i], 8), since: date($controlled_from[i])}] AS codes
MATCH (x:Company)-[:EXPORTED]->(d:Declaration)
WITH codes, left(d.hs_code, 8) AS h8,
     percentileDisc(CASE WHEN d.unit_value_usd > 0 THEN d.unit_value_usd END, 0.5) AS median_uv,
     count(CASE WHEN d.unit_value_usd > 0 THEN 1 END) AS code_lines, collect({d: d, x: x.id}) AS lines
WHERE code_lines > 0
WITH h8, median_uv, code_lines, lines, [k IN codes WHERE k.h8 = h8] AS ks
WITH h8, median_uv, code_lines, lines, ks,
     [l IN lines WHERE any(k IN ks WHERE l.d.hs_code STARTS WITH k.code)] AS controlled_lines
UNWIND lines AS l
WITH median_uv, code_lines, ks, l.d AS d, l.x AS exporter,
     [c IN controlled_lines WHERE c.x = l.x | c.d] AS used
WHERE d.control_rule IS NULL AND NOT any(k IN ks WHERE d.hs_code STARTS WITH k.code)
WITH median_uv, code_lines, d, exporter, used,
     reduce(s = null, c IN used | reduce(t = s, k IN [k IN ks WHERE c.hs_code STARTS WITH k.code] |
            CASE WHEN t IS NULL OR k.since < t THEN k.since ELSE t END)) AS since,
     reduce(m = null, c IN used | CASE WHEN m IS NULL OR c.declaration_date > m THEN c.declaration_date ELSE m END) AS last_used,
     reduce(m = null, c IN used | CASE WHEN m IS NULL OR c.hs_code < m THEN c.hs_code ELSE m END) AS controlled_hs
WITH median_uv, code_lines, d, exporter,
     CASE WHEN since IS NOT NULL AND d.declaration_date >= since AND last_used < since THEN true ELSE false END AS sibling,
     controlled_hs, last_used
WHERE (code_lines >= $min_code_lines AND d.unit_value_usd >= $value_ratio * median_uv) OR sibling
MATCH (x:Company {id: exporter})-[:EXPORTED]->(d)-[:CONSIGNED_TO]->(c:Company)
RETURN d.id AS decl, d.source_file_id AS decl_src, d.source_row AS decl_row, d.declaration_no AS decl_no,
       d.declaration_date AS day, d.hs_code AS hs, d.description AS description, d.specs AS specs, d.net_kg AS net_kg,
       d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule, d.licence_no AS licence_no,
       d.transport_mode AS transport_mode, d.trade_mode AS trade_mode, d.destination_country AS destination,
       x.id AS exporter, x.name AS exporter_name, c.id AS consignee, c.name AS consignee_name,
       c.country AS consignee_country, median_uv, code_lines,
       CASE WHEN sibling THEN controlled_hs END AS sibling_of, CASE WHEN sibling THEN last_used END AS sibling_last_used
