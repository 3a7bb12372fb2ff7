"""CSV: a zip of ``nodes.csv`` and ``edges.csv`` (UTF-8 with BOM, so Excel shows Chinese names).

Byte-stable: rows sorted by id, zip entries with a fixed timestamp.
"""

from __future__ import annotations

import csv
import io
import zipfile

from graphtool.exports import tables, values
from graphtool.subgraph import Subgraph

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[values.text(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    node_header = tables.node_header({n.label for n in subgraph.nodes.values()})
    edge_header = tables.edge_header({e.type for e in subgraph.edges.values()})
    files = {
        "nodes.csv": _csv(
            node_header, [tables.node_row(n, node_header) for n in values.nodes_sorted(subgraph)]
        ),
        "edges.csv": _csv(
            edge_header, [tables.edge_row(e, edge_header) for e in values.edges_sorted(subgraph)]
        ),
    }
    return zip_bytes(files)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the names and contents given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
