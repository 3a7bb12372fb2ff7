// name: neighbourhood (one hop of the breadth-first walk)
// answers: the next level of the walk: nodes one relationship away from $frontier-level nodes that no
//   earlier level holds and that the filters let through (graphtool/investigations/filters.py). The
//   store repeats this block once per hop between node_set (the seeds) and neighbourhood_count, so
//   the whole walk is one query and the reached nodes stay on the server. A node's label and
//   properties are read only when $filters_nodes (the label stays null otherwise, and so does every
//   property name looked up by it): on a busy exporter that read was most of the walk's work
// parameters: $filters_nodes (whether any node filter is set), $since, $until (dates or null),
//   $hs_codes (list of prefixes or null), $countries (ISO2 list or null), $date_property,
//   $hs_property, $country_properties (maps from label to property names, from
//   investigations/parameters.yaml); {types} comes from the model's allow-list
// columns: (none: carries levels, frontier, reached on to the next block)
CALL (frontier, reached) {
  UNWIND frontier AS n
  MATCH (n)-[r{types}]-(m)
  WHERE ($until IS NULL OR r.start_date IS NULL OR r.start_date <= $until)
    AND ($since IS NULL OR r.end_date IS NULL OR r.end_date >= $since)
  WITH DISTINCT m
  WHERE NOT m IN reached
  WITH m, CASE WHEN $filters_nodes THEN head(labels(m)) END AS label
  WITH m, label,
       CASE WHEN $date_property[label] IS NULL THEN NULL ELSE m[$date_property[label]] END AS day,
       CASE WHEN $hs_property[label] IS NULL THEN NULL ELSE m[$hs_property[label]] END AS hs,
       [k IN coalesce($country_properties[label], []) WHERE m[k] IS NOT NULL | m[k]] AS countries
  WHERE ($since IS NULL OR day IS NULL OR day >= $since)
    AND ($until IS NULL OR day IS NULL OR day <= $until)
    AND ($hs_codes IS NULL OR $hs_property[label] IS NULL OR (hs IS NOT NULL AND any(p IN $hs_codes WHERE hs STARTS WITH p)))
    AND ($countries IS NULL OR size(countries) = 0 OR any(c IN countries WHERE c IN $countries))
  RETURN collect(m) AS next
}
WITH levels + [next] AS levels, next AS frontier, reached + next AS reached
