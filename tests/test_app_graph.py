"""The app's pure parts: escaping of data for Markdown, the graph layout and the data the browser draws."""

from __future__ import annotations

from graphtool.app.graph import layout, payload
from graphtool.app.safe import md, plain, short
from graphtool.subgraph import Edge, Node, Subgraph

HOSTILE = "<script>alert(1)</script>"


def star(n: int) -> Subgraph:
    graph = Subgraph()
    graph.add_node(Node("c", "Company", {"name": HOSTILE}))
    for i in range(n):
        graph.add_node(Node(f"d{i}", "Declaration", {"declaration_no": f"{i:018d}"}))
        graph.add_edge(Edge(f"e{i}", "EXPORTED", "c", f"d{i}"))
    return graph


def test_markdown_escaping_leaves_no_markup_and_keeps_every_character():
    text = md(HOSTILE + " **bold** [link](http://x) <b onmouseover=alert(2)>")
    assert "<" not in text and ">" not in text
    assert "\\*\\*bold\\*\\*" in text and "\\[link\\]" in text
    assert "&lt;script&gt;" in text


def test_control_characters_are_replaced_and_long_labels_cut():
    assert plain("a\x00b\x1bc") == "a\ufffdb\ufffdc"
    assert short("x" * 50, 10) == "x" * 9 + "…"
    assert short("宁波恒达稀有金属有限公司") == "宁波恒达稀有金属有限公司"


def test_layout_places_every_node_and_keeps_known_positions_when_the_graph_grows():
    graph = star(300)
    first = layout(graph, {}, ["c"])
    assert set(first) == set(graph.nodes) and first["c"] == (0.0, 0.0)
    assert len({(round(x), round(y)) for x, y in first.values()}) == 301  # no two nodes on one spot
    graph.add_node(Node("p", "Person", {"name": "王伟"}))
    graph.add_edge(Edge("o", "OWNS", "p", "c"))
    graph.add_node(Node("lonely", "Company", {"name": "Nobody Ltd"}))
    grown = layout(graph, first, ["c"])
    assert all(grown[n] == first[n] for n in first)
    assert {"p", "lonely"} <= set(grown)


def test_the_browser_gets_names_as_plain_data_with_legend_pins_and_the_cap():
    graph = star(3)
    graph.more = 7
    data = payload(
        graph, layout(graph, {}, ["c"]), key="k", selected="c", pinned=frozenset({"d1"}), more_text="7 more"
    )
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["c"]["label"] == HOSTILE  # drawn as canvas text, never parsed as HTML
    assert ["name", HOSTILE] in nodes["c"]["tip"]
    assert nodes["d1"]["fixed"] and not nodes["d0"]["fixed"]
    assert {entry["text"] for entry in data["legend"]} == {"Company", "Declaration"}
    assert data["selected"] == "c" and data["more_text"] == "7 more"
    assert len(data["edges"]) == 3
