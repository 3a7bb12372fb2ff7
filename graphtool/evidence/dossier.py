"""Everything an evidence pack shows, gathered once into plain, ordered data.

A dossier is a pure function of the case and the workspace: the same case on the same workspace
gives the same dossier, so every file rendered from it is byte-identical on a re-run. Nothing in it
depends on when it was made (the creation time lives in the manifest only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphtool import __version__
from graphtool.cases import Case
from graphtool.subgraph import Edge, Node, Subgraph
from graphtool.workspace import Workspace

SOURCE_SQL = (
    "SELECT file_id, name, path, size, sha256, loader, mapping, encoding, CAST(loaded_at AS VARCHAR) "
    "FROM source_files WHERE file_id IN (SELECT unnest(?::BIGINT[])) OR sha256 IN (SELECT unnest(?::VARCHAR[])) "
    "ORDER BY file_id"
)
SOURCE_COLUMNS = ("file_id", "name", "path", "size", "sha256", "loader", "mapping", "encoding", "loaded_at")
TRANSACTIONS = ("Declaration", "Shipment")


@dataclass
class Dossier:
    case: Case
    graph: Subgraph  # the case's subgraph and every alert's evidence
    alerts: list[dict[str, Any]]
    facts: list[dict[str, Any]]  # one per node and relationship: statement, source file, row, sha256, record
    sources: list[dict[str, Any]]
    queries: list[dict[str, Any]]
    tool_version: str = __version__
    data_version: int = 0
    notes: list[str] = field(default_factory=list)  # what could not be included, and why

    @property
    def entities(self) -> list[Node]:
        return [n for n in _sorted_nodes(self.graph) if n.label not in TRANSACTIONS]

    @property
    def transactions(self) -> list[Node]:
        return [n for n in _sorted_nodes(self.graph) if n.label in TRANSACTIONS]


def _sorted_nodes(graph: Subgraph) -> list[Node]:
    return [graph.nodes[k] for k in sorted(graph.nodes)]


def statement(graph: Subgraph, item: Node | Edge) -> str:
    """A fact in one readable line."""
    if isinstance(item, Node):
        return f"{item.label} {item.caption}"
    src, dst = graph.nodes.get(item.src), graph.nodes.get(item.dst)
    text = f"{src.caption if src else item.src} {item.type} {dst.caption if dst else item.dst}"
    extra = ", ".join(f"{k} {v}" for k, v in sorted(item.properties.items()))
    return f"{text} ({extra})" if extra else text


def _alerts(ws: Workspace, case: Case, graph: Subgraph, queries: list[dict[str, Any]]) -> list[dict]:
    if not case.alerts:
        return []
    from graphtool.alerts import alert as get_alert
    from graphtool.alerts.engine import rule_params, rule_specs

    out = []
    for alert_id in sorted(case.alerts):
        found = get_alert(ws, alert_id)
        if found.evidence is not None:
            graph.merge(found.evidence)
        spec = rule_specs()[found.rule]
        query: dict[str, Any] = {"finding": alert_id, "rule": found.rule, "parameters": rule_params(ws, spec)}
        if sql := getattr(spec.module, "SQL", None):
            query["sql"] = sql.strip()
        if spec.cypher_file.exists():
            query["cypher"] = spec.cypher_file.read_text(encoding="utf-8").strip()
        queries.append(query)
        out.append(
            {
                "id": found.id,
                "rule": found.rule,
                "rule_description": spec.description,
                "score": found.score,
                "sentence": found.sentence,
                "indicators": {code: spec.indicators.get(code, "") for code in found.indicators},
                "status": found.status,
                "entities": found.entities,
                "declarations": found.declarations,
                "facts": [
                    {
                        "id": f.id,
                        "label": f.label,
                        "text": f.text,
                        "file": f.file,
                        "row": f.row_no,
                        "file_id": f.file_id,
                    }
                    for f in found.facts
                ],
            }
        )
    return out


def gather(ws: Workspace, case: Case) -> Dossier:
    graph = Subgraph().merge(case.subgraph)
    queries: list[dict[str, Any]] = [
        {
            "finding": f"case {case.case_id}: {q['name']}",
            "parameters": q["parameters"],
            "by": q["by"],
            "at": q["at"],
        }
        for q in case.queries
    ]
    notes: list[str] = []
    alerts = _alerts(ws, case, graph, queries)
    items: list[Node | Edge] = [*_sorted_nodes(graph), *(graph.edges[k] for k in sorted(graph.edges))]
    file_ids = sorted({i.provenance.file_id for i in items if i.provenance.file_id is not None})
    file_ids += sorted(
        {f["file_id"] for a in alerts for f in a["facts"] if f["file_id"] is not None} - set(file_ids)
    )
    hashes = sorted({i.provenance.sha256 for i in items if i.provenance.sha256})
    rows = ws.con.execute(SOURCE_SQL, [file_ids, hashes]).fetchall()
    queries.append(
        {"finding": "source files of every fact", "sql": SOURCE_SQL, "parameters": [file_ids, hashes]}
    )
    sources = [dict(zip(SOURCE_COLUMNS, r, strict=True)) for r in rows]
    by_id = {s["file_id"]: s for s in sources}
    by_hash = {s["sha256"]: s for s in sources}
    wanted: dict[int, set[int]] = {}
    located = []
    for item in items:
        p = item.provenance
        source = by_id.get(p.file_id) or by_hash.get(p.sha256)
        located.append((item, source))
        if source and p.row_no is not None:
            wanted.setdefault(source["file_id"], set()).add(p.row_no)
    records = {}
    for file_id, row_nos in sorted(wanted.items()):
        records[file_id] = ws.raw_records(file_id, sorted(row_nos))
        queries.append(
            {
                "finding": "original rows",
                "call": "Workspace.raw_records",
                "parameters": {"file_id": file_id, "rows": sorted(row_nos)},
            }
        )
    facts = []
    for item, source in located:
        row = item.provenance.row_no
        facts.append(
            {
                "id": item.id,
                "kind": item.label if isinstance(item, Node) else item.type,
                "statement": statement(graph, item),
                "file": source["name"] if source else item.provenance.source_file,
                "sha256": source["sha256"] if source else item.provenance.sha256,
                "row": row,
                "record": records.get(source["file_id"], {}).get(row) if source else None,
            }
        )
        if source is None:
            notes.append(f"{item.id}: its source file is not in this workspace (no provenance to cite)")
    return Dossier(case, graph, alerts, facts, sources, queries, __version__, ws.data_version, notes)
