// name: goods flow: start declarations
// answers: the declaration to follow, or a company's latest exported declarations, with their
//   overseas consignee
// parameters: $start (a Declaration or Company id), $limit (declarations of a company, latest first)
// columns: id, props, consignee_id, consignee_country, consigned_edge
CALL () {
  MATCH (d:Declaration {id: $start}) RETURN d
  UNION
  MATCH (:Company {id: $start})-[:EXPORTED]->(d:Declaration) RETURN d
}
WITH d, coalesce(d.export_date, d.declaration_date) AS day
ORDER BY day IS NOT NULL DESC, day DESC, d.id DESC
LIMIT $limit
OPTIONAL MATCH (d)-[cr:CONSIGNED_TO]->(c)
RETURN d.id AS id, properties(d) AS props, c.id AS consignee_id, c.country AS consignee_country,
       coalesce(cr.id, type(cr) + ':' + d.id + '>' + c.id) AS consigned_edge
