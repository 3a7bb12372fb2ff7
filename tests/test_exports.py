"""Exports open in other tools and read back to the same graph: properties, dates and provenance."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import igraph
import networkx as nx
import openpyxl
import pytest
from followthemoney import model as ftm_model
from followthemoney.types import registry

from graphtool.errors import GraphtoolError
from graphtool.exports import FORMATS, export_subgraph, notes
from graphtool.subgraph import Edge, Node, Provenance, Subgraph
from graphtool.workspace import Workspace
from tests.exports_support import load, snapshot, typed_edge, typed_node, typed_provenance, whole_graph
from tests.support import declaration_file

FTM_SAMPLE = Path(__file__).parent / "fixtures" / "ftm_sample.jsonl"
AWKWARD = "O'Brien \\ \"quoted\"\nnew line\t=cmd|' /C calc'!A0 <b>&</b> 锑"


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Subgraph:
    """The FtM sample and three customs declarations (Chinese headers), plus one awkward node."""
    folder = tmp_path_factory.mktemp("exports")
    with Workspace.open(folder / "ws.duckdb") as ws:
        load(ws, FTM_SAMPLE, declaration_file(folder / "declarations.csv"))
        graph = whole_graph(ws)
    graph.add_node(
        Node(
            "Company:test:awkward",
            "Company",
            {
                "name": AWKWARD,
                "aliases": ["甲", "B; C"],
                "uscc_valid": False,
                "state_trading": True,
                "incorporation_date": dt.date(2001, 2, 3),
            },
            Provenance(99, 7, 3, "hand.csv", "ab" * 32),
        )
    )
    graph.add_edge(
        Edge(
            "OWNS:Company:test:awkward>Company:uscc:91430100MA4L0XH279",
            "OWNS",
            "Company:test:awkward",
            "Company:uscc:91430100MA4L0XH279",
            {"percent_min": 25.0, "percent_max": 50.0, "start_date": dt.date(2020, 1, 1)},
            Provenance(99, 8, 3, "hand.csv", "ab" * 32),
        )
    )
    return graph


def positions(graph: Subgraph) -> dict[str, tuple[float, float]]:
    return {node_id: (float(i), -2.5 * i) for i, node_id in enumerate(sorted(graph.nodes))}


def from_networkx(g: nx.Graph) -> Subgraph:
    out = Subgraph()
    for node_id, data in g.nodes(data=True):
        out.add_node(Node(node_id, data["kind"], typed_node(data["kind"], data), typed_provenance(data)))
    for src, dst, key, data in g.edges(keys=True, data=True):
        out.add_edge(
            Edge(data.get("id", key), data["type"], src, dst, typed_edge(data), typed_provenance(data))
        )
    return out


def test_every_format_is_offered():
    assert set(FORMATS) == {"graphml", "gexf", "csv", "cytoscape", "ftm", "xlsx", "cypher"}


def test_graphml_reads_back_in_networkx_and_igraph(graph, tmp_path):
    data = export_subgraph(graph, "graphml")
    back = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    assert snapshot(from_networkx(back)) == snapshot(graph)
    path = tmp_path / "g.graphml"
    path.write_bytes(data)
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (len(graph.nodes), len(graph.edges))
    names = {v["id"]: v for v in g.vs}
    assert names["Company:test:awkward"]["name"] == AWKWARD
    assert (
        names["Company:test:awkward"]["state_trading"] is True
        or names["Company:test:awkward"]["state_trading"] == 1
    )
    edges = {(g.vs[e.source]["id"], g.vs[e.target]["id"], e["type"]) for e in g.es}
    assert edges == {(e.src, e.dst, e.type) for e in graph.edges.values()}


def test_gexf_reads_back_in_networkx_with_layout(graph):
    data = export_subgraph(graph, "gexf", positions(graph))
    back = nx.read_gexf(io.BytesIO(data), version="1.2draft")
    back = back if back.is_multigraph() else nx.MultiDiGraph(back)
    assert snapshot(from_networkx(back)) == snapshot(graph)
    assert back.nodes["Company:test:awkward"]["viz"]["position"]["x"] == pytest.approx(
        positions(graph)["Company:test:awkward"][0]
    )


def test_gexf_is_well_formed_for_gephi(graph):
    """A second reader, the XML parser: every value refers to a declared attribute and every
    relationship to a node, as Gephi requires."""
    root = ET.fromstring(export_subgraph(graph, "gexf"))
    ns = {"g": "http://www.gexf.net/1.2draft"}
    declared = {
        (block.get("class"), a.get("id")) for block in root.iterfind(".//g:attributes", ns) for a in block
    }
    node_ids = {n.get("id") for n in root.iterfind(".//g:nodes/g:node", ns)}
    assert node_ids == set(graph.nodes)
    for scope, path in (("node", ".//g:nodes/g:node"), ("edge", ".//g:edges/g:edge")):
        for element in root.iterfind(path, ns):
            assert all((scope, v.get("for")) in declared for v in element.iterfind(".//g:attvalue", ns))
    assert all({e.get("source"), e.get("target")} <= node_ids for e in root.iterfind(".//g:edge", ns))


def test_csv_zip_reads_back(graph):
    archive = zipfile.ZipFile(io.BytesIO(export_subgraph(graph, "csv")))
    assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
    back = Subgraph()
    for row in csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))):
        back.add_node(Node(row["id"], row["label"], typed_node(row["label"], row), typed_provenance(row)))
    for row in csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8-sig"))):
        back.add_edge(
            Edge(row["id"], row["type"], row["src"], row["dst"], typed_edge(row), typed_provenance(row))
        )
    assert snapshot(back) == snapshot(graph)


def test_csv_export_is_byte_stable(graph):
    assert export_subgraph(graph, "csv") == export_subgraph(graph, "csv")


def test_cytoscape_json_reads_back_with_layout(graph):
    document = json.loads(export_subgraph(graph, "cytoscape", positions(graph)))
    back = Subgraph()
    for element in document["elements"]["nodes"]:
        d = element["data"]
        back.add_node(Node(d["id"], d["kind"], typed_node(d["kind"], d), typed_provenance(d)))
        assert element["position"] == dict(zip("xy", positions(graph)[d["id"]], strict=True))
    for element in document["elements"]["edges"]:
        d = element["data"]
        back.add_edge(Edge(d["id"], d["type"], d["source"], d["target"], typed_edge(d), typed_provenance(d)))
    assert snapshot(back) == snapshot(graph)


def test_excel_has_a_sheet_per_kind_and_reads_back(graph):
    book = openpyxl.load_workbook(io.BytesIO(export_subgraph(graph, "xlsx")))
    labels = {n.label for n in graph.nodes.values()}
    types = {e.type for e in graph.edges.values()}
    assert set(book.sheetnames) == labels | types
    back = Subgraph()
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        for row in rows[1:]:
            d = dict(zip(rows[0], row, strict=True))
            if name in labels:
                back.add_node(Node(d["id"], d["label"], typed_node(d["label"], d), typed_provenance(d)))
            else:
                back.add_edge(
                    Edge(d["id"], d["type"], d["src"], d["dst"], typed_edge(d), typed_provenance(d))
                )
    assert snapshot(back) == snapshot(graph)
    header = [c.value for c in book["Company"][1]]
    cells = [row[header.index("name")] for row in book["Company"].iter_rows(min_row=2)]
    awkward = next(c for c in cells if c.value == AWKWARD)
    assert awkward.data_type == "s"  # text that looks like a formula stays text


def test_cypher_script_recreates_the_graph_in_neo4j(graph, clean_neo4j):
    script = export_subgraph(graph, "cypher").decode("utf-8")
    for _ in range(2):  # idempotent
        for line in script.splitlines():
            if line and not line.startswith("//"):
                clean_neo4j.execute_query(line.rstrip(";"), database_="neo4j")
    records, _, _ = clean_neo4j.execute_query(
        "MATCH (n) RETURN n.id AS id, labels(n)[0] AS label, properties(n) AS props", database_="neo4j"
    )
    back = Subgraph()
    for r in records:
        back.add_node(_from_neo4j(r["id"], r["label"], r["props"], node=True))
    records, _, _ = clean_neo4j.execute_query(
        "MATCH (a)-[r]->(b) RETURN r.id AS id, type(r) AS type, a.id AS src, b.id AS dst, properties(r) AS props",
        database_="neo4j",
    )
    for r in records:
        edge = _from_neo4j(r["id"], r["type"], r["props"], node=False)
        back.add_edge(Edge(r["id"], r["type"], r["src"], r["dst"], edge.properties, edge.provenance))
    expected_nodes, expected_edges = snapshot(graph)
    # Neo4j keeps provenance as push writes it: file, sha256, row and batch (not the workspace's file id)
    assert snapshot(back)[0] == {k: (v[0], v[1], _portable(v[2])) for k, v in expected_nodes.items()}
    assert snapshot(back)[1] == {k: (*v[:4], _portable(v[4])) for k, v in expected_edges.items()}


def _portable(p: Provenance) -> Provenance:
    return Provenance(None, p.row_no, p.batch_id, p.source_file, p.sha256)


def _from_neo4j(item_id, kind, props, node: bool):
    props = dict(props)
    provenance = Provenance(
        None,
        props.pop("source_row", None),
        props.pop("load_batch", None),
        props.pop("source_file", None),
        props.pop("source_sha256", None),
    )
    props.pop("id")
    props = {k: v.to_native() if hasattr(v, "to_native") else v for k, v in props.items()}
    if node:
        return Node(item_id, kind, props, provenance)
    return Edge(item_id, kind, "", "", props, provenance)


def _without_provenance(snap: tuple[dict, dict]) -> tuple[dict, dict]:
    return {k: v[:2] for k, v in snap[0].items()}, {k: v[:4] for k, v in snap[1].items()}


def _check_ftm(lines: list[str]) -> list[dict]:
    """Every line valid by the followthemoney library's own model, references included."""
    entities = [json.loads(line) for line in lines]
    ids = {e["id"] for e in entities}
    for entity in entities:
        schema = ftm_model.get(entity["schema"])
        assert schema is not None and not schema.abstract, entity
        assert registry.entity.validate(entity["id"]), entity["id"]
        assert set(entity["properties"]) <= set(schema.properties), entity
        schema.validate(entity)  # raises InvalidData
        for name in schema.required:
            assert entity["properties"].get(name), (entity["id"], name)
        for name, values in entity["properties"].items():
            if schema.properties[name].type == registry.entity:
                assert set(values) <= ids, (entity["id"], name)
        ftm_model.get_proxy(entity, cleaned=False)
    return entities


@pytest.fixture
def ftm_graph(tmp_path) -> Subgraph:
    with Workspace.open(tmp_path / "source.duckdb") as ws:
        load(ws, FTM_SAMPLE)
        return whole_graph(ws)


def test_ftm_out_then_ftm_in_gives_the_same_graph(ftm_graph, tmp_path):
    data = export_subgraph(ftm_graph, "ftm")
    _check_ftm(data.decode("utf-8").splitlines())
    path = tmp_path / "export.ftm.json"
    path.write_bytes(data)
    with Workspace.open(tmp_path / "again.duckdb") as ws:
        load(ws, path)
        assert ws.con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 0
        again = whole_graph(ws)
    # provenance now names the export file itself; everything else is the same
    assert _without_provenance(snapshot(again)) == _without_provenance(snapshot(ftm_graph))
    assert again.nodes and again.edges


def test_ftm_export_of_customs_data_is_valid_and_says_what_ftm_cannot_hold(graph):
    entities = _check_ftm(export_subgraph(graph, "ftm").decode("utf-8").splitlines())
    schemata = {e["schema"] for e in entities}
    assert {"Company", "Person", "Ownership", "Sanction", "EconomicActivity", "Address"} <= schemata
    ranged = next(
        e for e in entities if e["schema"] == "Ownership" and "25-50" in e["properties"].get("percentage", [])
    )
    assert ranged["properties"]["startDate"] == ["2020-01-01"]
    told = notes(graph, "ftm")
    assert any("Shipment" in n for n in told) and any("SHIPPED_AS" in n for n in told)
    assert notes(graph, "gexf") == []


def test_unknown_format_and_dangling_relationships_are_refused(graph):
    with pytest.raises(GraphtoolError, match="unknown export format 'pdf'; choose one of graphml"):
        export_subgraph(graph, "pdf")
    broken = Subgraph(edges={"X": Edge("X", "OWNS", "Company:a", "Company:b")})
    with pytest.raises(
        GraphtoolError, match="relationship X refers to node Company:a, which is not in the subgraph"
    ):
        export_subgraph(broken, "csv")


def test_characters_xml_cannot_hold_do_not_break_the_file():
    graph = Subgraph()
    graph.add_node(Node("Company:x", "Company", {"name": "ACME\x0bTrading\x00"}))
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        back = read(io.BytesIO(export_subgraph(graph, fmt)))
        assert back.nodes["Company:x"]["name"] == "ACME\ufffdTrading\ufffd"
