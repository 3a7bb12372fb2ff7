// name: goods flow: onward shipments
// answers: the bills of lading on which these companies shipped goods, with each one's consignee
// parameters: $shippers (Company ids), $limit
// columns: id, props, shipper_id, shipped_edge, consignee_id, consignee_country, consigned_edge
UNWIND $shippers AS shipper
MATCH (c:Company {id: shipper})-[sr:SHIPPED]->(s:Shipment)
OPTIONAL MATCH (s)-[cr:CONSIGNED_TO]->(k)
RETURN s.id AS id, properties(s) AS props, c.id AS shipper_id, sr.id AS shipped_edge,
       k.id AS consignee_id, k.country AS consignee_country, cr.id AS consigned_edge
LIMIT $limit
