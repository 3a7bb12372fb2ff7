"""The report as one self-contained HTML file (no scripts, no external resources; every source
value escaped), with the case's subgraph drawn inline as SVG."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from graphtool.evidence.dossier import Dossier
from graphtool.evidence.picture import Drawing, svg

CSS = """
body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #f2f2f2; } code, .hash { font-family: monospace; font-size: 0.85em; word-break: break-all; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: 0.5em; font-size: 0.8em; }
"""


def _value(value: Any) -> str:
    if isinstance(value, list | dict):
        return escape(json.dumps(value, ensure_ascii=False, default=str))
    return escape("" if value is None else str(value))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_value(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def sections(d: Dossier) -> list[tuple[str, list[str], list[list[Any]], tuple[float, ...]]]:
    """The report's tables (title, header, rows, relative column widths): the HTML and the PDF
    show the same ones."""
    facts = {f["id"]: f for f in d.facts}

    def source(item_id: str) -> list[Any]:
        f = facts.get(item_id, {})
        return [f.get("file"), f.get("row"), f.get("sha256")]

    return [
        (
            "Entities",
            ["id", "label", "name", "properties", "source file", "row", "sha256"],
            [[n.id, n.label, n.caption, n.properties, *source(n.id)] for n in d.entities],
            (3, 1.3, 3, 7, 2, 0.7, 3),
        ),
        (
            "Declarations and shipments",
            ["id", "label", "number", "properties", "source file", "row", "sha256"],
            [[n.id, n.label, n.caption, n.properties, *source(n.id)] for n in d.transactions],
            (3, 1.3, 3, 7, 2, 0.7, 3),
        ),
        (
            "Facts and their sources",
            ["fact", "source file", "row", "sha256", "original record"],
            [[f["statement"], f["file"], f["row"], f["sha256"], f["record"]] for f in d.facts],
            (5, 2, 0.7, 3, 7),
        ),
        (
            "Source files",
            ["file", "sha256", "bytes", "loader", "encoding", "loaded at"],
            [
                [s["name"], s["sha256"], s["size"], s["loader"], s["encoding"], s["loaded_at"]]
                for s in d.sources
            ],
            (3, 5, 1, 1, 1, 2),
        ),
    ]


def summary_rows(d: Dossier) -> list[list[Any]]:
    c = d.case
    return [
        ["case", f"{c.case_id}: {c.name}"],
        ["opened", f"{c.created_at} by {c.created_by}"],
        ["tags", ", ".join(c.tags)],
        [
            "contents",
            f"{len(d.graph.nodes)} nodes, {len(d.graph.edges)} relationships, {len(d.alerts)} alerts",
        ],
        ["workspace data version", d.data_version],
        ["tool", f"graphtool {d.tool_version}"],
    ]


def render(d: Dossier, drawing: Drawing) -> bytes:
    c = d.case
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-Hans"><head><meta charset="utf-8">',
        f"<title>Evidence pack {escape(c.case_id)}</title><style>{CSS}</style></head><body>",
        f"<h1>Evidence pack {escape(c.case_id)}: {escape(c.name)}</h1>",
        _table(["", ""], summary_rows(d)),
    ]
    if c.notes:
        parts.append(
            "<h2>Notes</h2>" + _table(["note", "by", "at"], [[n["text"], n["by"], n["at"]] for n in c.notes])
        )
    parts.append("<h2>The subgraph</h2>" + svg(drawing))
    if drawing.hidden:
        parts.append(f"<p>{drawing.hidden} more nodes are not drawn; every one is listed below.</p>")
    parts.append("<h2>Alerts</h2>")
    for a in d.alerts:
        parts.append(
            f"<h3>{escape(a['id'])}: rule {escape(a['rule'])}, score {a['score']:.2f} ({escape(a['status'])})</h3>"
            f"<p>{escape(a['sentence'])}</p><p><em>Rule:</em> {escape(a['rule_description'])}</p>"
            + _table(["indicator", "meaning"], [[k, v] for k, v in a["indicators"].items()])
            + _table(
                ["evidence", "source file", "row"], [[f["text"], f["file"], f["row"]] for f in a["facts"]]
            )
        )
    if not d.alerts:
        parts.append("<p>No alerts in this case.</p>")
    for title, header, rows, _ in sections(d):
        parts.append(f"<h2>{escape(title)}</h2>" + _table(header, rows))
    parts.append("<h2>Queries that produced the findings</h2>")
    for q in d.queries:
        parts.append(f"<pre>{escape(json.dumps(q, ensure_ascii=False, indent=1, default=str))}</pre>")
    if d.notes:
        parts.append("<h2>Limits</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in d.notes) + "</ul>")
    parts.append("<h2>History of the case</h2>")
    parts.append(
        _table(
            ["at", "by", "action", "details"],
            [[h["at"], h["by"], h["action"], h["details"]] for h in c.history],
        )
    )
    parts.append("</body></html>")
    return ("\n".join(parts) + "\n").encode("utf-8")
