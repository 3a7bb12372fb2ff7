// name: neighbourhood (one hop of the breadth-first walk)
// answers: the next level of the walk: nodes one relationship away from $frontier-level nodes that the
//   filters let through (graphtool/investigations/filters.py) and that no earlier level holds. The
//   store repeats this block once per hop between neighbourhood_seeds and neighbourhood_count, so the
//   whole walk is one query and the reached nodes stay on the server
// parameters: $since, $until (dates or null), $hs_codes (list of prefixes or null), $countries (ISO2
//   list or null), $date_property, $hs_property, $country_properties (maps from label to property
//   names, from investigations/parameters.yaml); {types} comes from the model's allow-list
// columns: (none: carries levels, frontier, reached on to the next block)
CALL (frontier, reached) {
  UNWIND frontier AS n
  MATCH (n)-[r{types}]-(m)
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
  WITH collect(m) AS candidates
  // new = not reached before; a grouping (hash) instead of a list lookup per candidate
  UNWIND [x IN reached | [x, 0]] + [x IN candidates | [x, 1]] AS pair
  WITH pair[0] AS m, min(pair[1]) AS new
  WHERE new = 1
  RETURN collect(m) AS next
}
WITH levels + [next] AS levels, next AS frontier, reached + next AS reached
