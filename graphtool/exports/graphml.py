"""GraphML (Gephi, yEd, Cytoscape, igraph, networkx): typed keys from the model, one ``<data>`` per value.

Written here rather than through networkx so the readers our tests use (networkx and igraph) are
independent of the writer. Node XML ids are graph ids; ``label`` is the caption Gephi shows; ``x`` and ``y`` the saved layout, if any.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from graphtool.exports import values, xmlgraph
from graphtool.subgraph import Subgraph

NS = "http://graphml.graphdrawing.org/xmlns"


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    root = ET.Element("graphml", {"xmlns": NS})
    keys: dict[tuple[str, str], str] = {}
    declared = [("node", a) for a in xmlgraph.node_attributes(subgraph)] + [
        ("edge", a) for a in xmlgraph.edge_attributes()
    ]
    declared.insert(0, ("node", xmlgraph.Attribute("label", "string")))
    if positions:
        declared += [("node", xmlgraph.Attribute("x", "float")), ("node", xmlgraph.Attribute("y", "float"))]
    for scope, attribute in declared:
        key = f"{scope[0]}{len(keys)}"
        keys[(scope, attribute.name)] = key
        ET.SubElement(
            root,
            "key",
            {"id": key, "for": scope, "attr.name": attribute.name, "attr.type": attribute.graphml_type},
        )
    graph = ET.SubElement(root, "graph", {"id": "G", "edgedefault": "directed"})
    for node in values.nodes_sorted(subgraph):
        element = ET.SubElement(graph, "node", {"id": node.id})
        data = {"label": node.caption, **xmlgraph.node_values(node)}
        if positions and node.id in positions:
            data |= dict(zip(("x", "y"), map(values.text, positions[node.id]), strict=True))
        for name, text in data.items():
            ET.SubElement(element, "data", {"key": keys[("node", name)]}).text = text
    for edge in values.edges_sorted(subgraph):
        element = ET.SubElement(graph, "edge", {"id": edge.id, "source": edge.src, "target": edge.dst})
        for name, text in xmlgraph.edge_values(edge).items():
            ET.SubElement(element, "data", {"key": keys[("edge", name)]}).text = text
    return xmlgraph.to_bytes(root)
