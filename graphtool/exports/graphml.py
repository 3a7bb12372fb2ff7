"""GraphML (Gephi, yEd, Cytoscape, igraph, networkx): typed keys from the model, one ``<data>`` per value.

Written here rather than through networkx so the readers our tests use (networkx and igraph) are
independent of the writer. Node XML ids are graph ids; ``label`` is the caption Gephi shows; ``x``
and ``y`` the saved layout, if any.
"""

from __future__ import annotations

from graphtool.exports import values, xmlgraph
from graphtool.exports.xmlgraph import element
from graphtool.subgraph import Subgraph

NS = "http://graphml.graphdrawing.org/xmlns"


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    declared = [("node", xmlgraph.Attribute("label", "string"))]
    declared += [("node", a) for a in xmlgraph.node_attributes(subgraph)]
    if positions:
        declared += [("node", xmlgraph.Attribute("x", "float")), ("node", xmlgraph.Attribute("y", "float"))]
    declared += [("edge", a) for a in xmlgraph.edge_attributes()]
    keys: dict[tuple[str, str], str] = {}
    lines = [f'<graphml xmlns="{NS}">']
    for scope, attribute in declared:
        keys[(scope, attribute.name)] = key = f"{scope[0]}{len(keys)}"
        lines.append(
            element(
                "key",
                {"id": key, "for": scope, "attr.name": attribute.name, "attr.type": attribute.graphml_type},
            )
        )
    lines.append('<graph id="G" edgedefault="directed">')
    for node in values.nodes_sorted(subgraph):
        data = {"label": node.caption, **xmlgraph.node_values(node)}
        if positions and node.id in positions:
            data |= dict(zip(("x", "y"), map(values.text, positions[node.id]), strict=True))
        body = "".join(f'<data key="{keys[("node", k)]}">{xmlgraph.text(v)}</data>' for k, v in data.items())
        lines.append(element("node", {"id": node.id}, body))
    for edge in values.edges_sorted(subgraph):
        body = "".join(
            f'<data key="{keys[("edge", k)]}">{xmlgraph.text(v)}</data>'
            for k, v in xmlgraph.edge_values(edge).items()
        )
        lines.append(element("edge", {"id": edge.id, "source": edge.src, "target": edge.dst}, body))
    lines += ["</graph>", "</graphml>"]
    return xmlgraph.document(lines)
