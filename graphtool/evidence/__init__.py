"""Evidence packs: one folder and one zip per case, for a prosecutor to file and a court to check.

``build_pack(ws, case, out_dir)`` writes ``<out_dir>/<case_id>/`` and ``<out_dir>/<case_id>.zip``
holding the report (HTML and PDF), the case, its facts with their source file, row, sha256 and
original record, its alerts, the exact queries with their parameters, the subgraph as GraphML, and
``manifest.json``. ``verify_pack(path)`` re-checks every hash. Making the pack again from the same
case and workspace gives byte-identical files and a manifest that differs only in ``created_at``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphtool import __version__
from graphtool.cases import Case
from graphtool.evidence import html_report, pdf_report
from graphtool.evidence.dossier import Dossier, gather
from graphtool.evidence.manifest import MANIFEST, PackCheck, manifest, sha256, verify
from graphtool.evidence.picture import layout
from graphtool.exports import export_subgraph
from graphtool.exports.csv import zip_bytes
from graphtool.workspace import Workspace

__all__ = ["PackCheck", "PackResult", "build_pack", "verify_pack"]


@dataclass
class PackResult:
    folder: Path
    zip: Path
    files: dict[str, str]  # name -> sha256
    sources: int
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "zip": str(self.zip),
            "files": self.files,
            "sources": self.sources,
            "notes": self.notes,
        }


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n").encode(
        "utf-8"
    )


def render(d: Dossier) -> dict[str, bytes]:
    """Every file of the pack except the manifest, from the dossier alone."""
    drawing = layout(d.graph, d.case.positions)
    return {
        "report.html": html_report.render(d, drawing),
        "report.pdf": pdf_report.render(d, drawing),
        "case.json": _json(json.loads(d.case.to_json())),
        "facts.json": _json(d.facts),
        "alerts.json": _json(d.alerts),
        "queries.json": _json(d.queries),
        "subgraph.graphml": export_subgraph(d.graph, "graphml", d.case.positions),
    }


def build_pack(ws: Workspace, case: Case, out_dir: Path) -> PackResult:
    dossier = gather(ws, case)
    files = render(dossier)
    about = {
        "tool": "graphtool",
        "tool_version": __version__,
        "case_id": case.case_id,
        "data_version": dossier.data_version,
    }
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    files[MANIFEST] = manifest(files, dossier.sources, about, created)
    folder = Path(out_dir) / case.case_id
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():  # a pack made again replaces the earlier one whole
        if stale.is_file() and stale.name not in files:
            stale.unlink()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    archive = Path(out_dir) / f"{case.case_id}.zip"
    archive.write_bytes(zip_bytes(files))
    return PackResult(
        folder, archive, {n: sha256(b) for n, b in sorted(files.items())}, len(dossier.sources), dossier.notes
    )


def verify_pack(path: Path, source_root: Path | None = None) -> PackCheck:
    return verify(Path(path), source_root)
