"""GEXF 1.2 (Gephi's own format): declared, typed attributes; the saved layout as ``viz:position``.

Written with the standard library so that the readers in our tests are independent of the writer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from graphtool.exports import values, xmlgraph
from graphtool.subgraph import Subgraph

NS = "http://www.gexf.net/1.2draft"
VIZ = "http://www.gexf.net/1.2draft/viz"


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    root = ET.Element("gexf", {"xmlns": NS, "xmlns:viz": VIZ, "version": "1.2"})
    ET.SubElement(ET.SubElement(root, "meta"), "creator").text = "graphtool"
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    ids = {}
    for scope, attributes in (
        ("node", xmlgraph.node_attributes(subgraph)),
        ("edge", xmlgraph.edge_attributes()),
    ):
        block = ET.SubElement(graph, "attributes", {"class": scope, "mode": "static"})
        for attribute in attributes:
            ids[(scope, attribute.name)] = str(len(ids))
            ET.SubElement(
                block,
                "attribute",
                {"id": ids[(scope, attribute.name)], "title": attribute.name, "type": attribute.gexf_type},
            )
    nodes = ET.SubElement(graph, "nodes")
    for node in values.nodes_sorted(subgraph):
        element = ET.SubElement(nodes, "node", {"id": node.id, "label": node.caption})
        _attvalues(element, "node", xmlgraph.node_values(node), ids)
        if positions and node.id in positions:
            x, y = positions[node.id]
            ET.SubElement(element, "viz:position", {"x": values.text(x), "y": values.text(y), "z": "0.0"})
    edges = ET.SubElement(graph, "edges")
    for edge in values.edges_sorted(subgraph):
        element = ET.SubElement(
            edges, "edge", {"id": edge.id, "source": edge.src, "target": edge.dst, "label": edge.type}
        )
        _attvalues(element, "edge", xmlgraph.edge_values(edge), ids)
    return xmlgraph.to_bytes(root)


def _attvalues(
    element: ET.Element, scope: str, data: dict[str, str], ids: dict[tuple[str, str], str]
) -> None:
    block = ET.SubElement(element, "attvalues")
    for name, text in data.items():
        ET.SubElement(block, "attvalue", {"for": ids[(scope, name)], "value": text})
