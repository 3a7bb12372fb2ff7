// name: ownership (UBO facts)
// answers: the OWNS relationships on chains up to {depth} levels above a company, and the control
//   relationships (CONTROLS, OFFICER_OF) into it; graphtool.investigations.ubo computes the answer
// parameters: $company (a Company id), $limit; {depth} is a checked integer
// columns: id, type, src, dst, props
CALL () {
  MATCH p = (:Company {id: $company})<-[:OWNS*1..{depth}]-()
  UNWIND relationships(p) AS r
  WITH DISTINCT r
  RETURN coalesce(r.id, type(r) + ':' + startNode(r).id + '>' + endNode(r).id) AS id, type(r) AS type,
         startNode(r).id AS src, endNode(r).id AS dst, properties(r) AS props
  UNION
  MATCH (c:Company {id: $company})<-[r:CONTROLS|OFFICER_OF]-(x)
  RETURN coalesce(r.id, type(r) + ':' + x.id + '>' + c.id) AS id, type(r) AS type, x.id AS src, c.id AS dst,
         properties(r) AS props
}
RETURN id, type, src, dst, props
LIMIT $limit
