// name: goods flow: onward shipments
// answers: the bills of lading on which these companies shipped goods, with each one's consignee
// parameters: $shippers (Company ids), $limit
// columns: id, props, shipper_id, shipped_edge, consignee_id, consignee_country, consigned_edge
UNWIND $shippers AS shipper
MATCH (c:Company {id: shipper})-[sr:SHIPPED]->(s:Shipment)
OPTIONAL MATCH (s)-[cr:CONSIGNED_TO]->(k)
RETURN s.id AS id, properties(s) AS props, c.id AS shipper_id, coalesce(sr.id, type(sr) + ':' + c.id + '>' + s.id) AS shipped_edge,
       k.id AS consignee_id, k.country AS consignee_country, coalesce(cr.id, type(cr) + ':' + s.id + '>' + k.id) AS consigned_edge
LIMIT $limit
