"""GEXF 1.2 (Gephi's own format): declared, typed attributes; the saved layout as ``viz:position``.

Written here so that the readers in our tests are independent of the writer.
"""

from __future__ import annotations

from graphtool.exports import values, xmlgraph
from graphtool.exports.xmlgraph import element
from graphtool.subgraph import Subgraph

NS = "http://www.gexf.net/1.2draft"
VIZ = "http://www.gexf.net/1.2draft/viz"


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    lines = [
        f'<gexf xmlns="{NS}" xmlns:viz="{VIZ}" version="1.2">',
        "<meta><creator>graphtool</creator></meta>",
        '<graph defaultedgetype="directed" mode="static">',
    ]
    ids: dict[tuple[str, str], str] = {}
    for scope, attributes in (
        ("node", xmlgraph.node_attributes(subgraph)),
        ("edge", xmlgraph.edge_attributes()),
    ):
        lines.append(f'<attributes class="{scope}" mode="static">')
        for attribute in attributes:
            ids[(scope, attribute.name)] = str(len(ids))
            lines.append(
                element(
                    "attribute",
                    {
                        "id": ids[(scope, attribute.name)],
                        "title": attribute.name,
                        "type": attribute.gexf_type,
                    },
                )
            )
        lines.append("</attributes>")
    lines.append("<nodes>")
    for node in values.nodes_sorted(subgraph):
        body = _attvalues("node", xmlgraph.node_values(node), ids)
        if positions and node.id in positions:
            x, y = positions[node.id]
            body += element("viz:position", {"x": values.text(x), "y": values.text(y), "z": "0.0"})
        lines.append(element("node", {"id": node.id, "label": node.caption}, body))
    lines += ["</nodes>", "<edges>"]
    for edge in values.edges_sorted(subgraph):
        attributes = {"id": edge.id, "source": edge.src, "target": edge.dst, "label": edge.type}
        lines.append(element("edge", attributes, _attvalues("edge", xmlgraph.edge_values(edge), ids)))
    lines += ["</edges>", "</graph>", "</gexf>"]
    return xmlgraph.document(lines)


def _attvalues(scope: str, data: dict[str, str], ids: dict[tuple[str, str], str]) -> str:
    inner = "".join(
        element("attvalue", {"for": ids[(scope, name)], "value": text}) for name, text in data.items()
    )
    return f"<attvalues>{inner}</attvalues>"
