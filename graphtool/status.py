"""What a workspace holds: sources, counts, quarantine and load history, for the CLI and the app."""

from __future__ import annotations

import json
from typing import Any

from graphtool.workspace import Workspace, node_table


def status(ws: Workspace) -> dict[str, Any]:
    con = ws.con
    nodes = {
        label: con.execute(f"SELECT count(*) FROM {node_table(label)}").fetchall()[0][0]
        for label in ws.model.nodes
    }
    edges = dict(con.execute("SELECT type, count(*) FROM graph_edges GROUP BY type ORDER BY type").fetchall())
    files = [
        dict(
            zip(
                (
                    "file_id",
                    "name",
                    "loader",
                    "mapping",
                    "encoding",
                    "sha256",
                    "rows_read",
                    "loaded",
                    "quarantined",
                    "duplicates",
                    "loaded_at",
                ),
                row,
                strict=True,
            )
        )
        for row in con.execute("""SELECT file_id, name, loader, mapping, encoding, sha256, rows_read, loaded,
                                  quarantined, duplicates, CAST(loaded_at AS VARCHAR)
                                  FROM source_files ORDER BY file_id""").fetchall()
    ]
    totals = con.execute("""SELECT coalesce(sum(rows_read), 0), coalesce(sum(loaded), 0),
                            coalesce(sum(quarantined), 0), coalesce(sum(duplicates), 0)
                            FROM source_files""").fetchall()[0]
    return {
        "workspace": str(ws.path),
        "data_version": ws.data_version,
        "files": files,
        "rows": dict(zip(("read", "loaded", "quarantined", "duplicates"), map(int, totals), strict=True)),
        "conflicts": con.execute("SELECT count(*) FROM conflicts").fetchall()[0][0],
        "nodes": {k: v for k, v in nodes.items() if v},
        "edges": edges,
        "trade_stats": con.execute("SELECT count(*) FROM trade_stats").fetchall()[0][0],
    }


def quarantine(ws: Workspace, file: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Rejected rows with every reason and the original record, oldest first."""
    rows = ws.con.execute(
        """SELECT f.name, q.file_id, q.row_no, q.reasons
           FROM quarantine q JOIN source_files f USING (file_id)
           WHERE ? IS NULL OR f.name = ? OR f.path = ?
           ORDER BY q.file_id, q.row_no LIMIT ?""",
        [file, file, file, limit],
    ).fetchall()
    originals = {  # one query per file, not one per row
        file_id: ws.raw_records(file_id, [r[2] for r in rows if r[1] == file_id])
        for file_id in {r[1] for r in rows}
    }
    return [
        {
            "file": name,
            "row": row_no,
            "reasons": json.loads(reasons),
            "record": originals[file_id].get(row_no),
        }
        for name, file_id, row_no, reasons in rows
    ]


def conflicts(ws: Workspace, limit: int = 100) -> list[dict[str, Any]]:
    """Values that sources disagree on, with the source of the disagreeing value."""
    rows = ws.con.execute(
        """SELECT c.item_id, c.property, c.kept_value, c.other_value, f.name, c.row_no
           FROM conflicts c JOIN source_files f USING (file_id)
           ORDER BY c.batch_id, c.item_id, c.property LIMIT ?""",
        [limit],
    ).fetchall()
    keys = ("item", "property", "kept", "other", "file", "row")
    return [dict(zip(keys, row, strict=True)) for row in rows]
