// name: neighbourhood (one hop)
// answers: the nodes one relationship away from a frontier, that the filters let through; the
//   store calls it once per hop and keeps the nodes not seen before (graphtool/investigations/filters.py)
// parameters: $ids (map: label -> frontier ids), $since, $until (dates or null), $hs_codes (list of
//   prefixes or null), $countries (ISO2 list or null), $date_property, $hs_property,
//   $country_properties (maps from label to property names, from investigations/parameters.yaml),
//   $limit; {label} and {types} come from the model's allow-list
// columns: id
UNWIND $ids.{label} AS id
MATCH (n:{label} {id: id})-[r{types}]-(m)
WHERE ($until IS NULL OR r.start_date IS NULL OR r.start_date <= $until)
  AND ($since IS NULL OR r.end_date IS NULL OR r.end_date >= $since)
WITH DISTINCT m, head(labels(m)) AS label
WITH m, label,
     CASE WHEN $date_property[label] IS NULL THEN NULL ELSE m[$date_property[label]] END AS day,
     CASE WHEN $hs_property[label] IS NULL THEN NULL ELSE m[$hs_property[label]] END AS hs,
     [k IN coalesce($country_properties[label], []) WHERE m[k] IS NOT NULL | m[k]] AS countries
WHERE ($since IS NULL OR day IS NULL OR day >= $since)
  AND ($until IS NULL OR day IS NULL OR day <= $until)
  AND ($hs_codes IS NULL OR $hs_property[label] IS NULL OR (hs IS NOT NULL AND any(p IN $hs_codes WHERE hs STARTS WITH p)))
  AND ($countries IS NULL OR size(countries) = 0 OR any(c IN countries WHERE c IN $countries))
RETURN m.id AS id
LIMIT $limit
