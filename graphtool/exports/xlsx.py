"""An Excel workbook: a sheet per node label and per relationship type, each with a header row.

Dates are Excel dates, numbers numbers, text always text (never a formula); lists are JSON text. A sheet holds at most 1,048,575
rows, so a larger kind continues on sheets named ``Label (2)``, ``Label (3)``... (never cut).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from graphtool.exports import tables, values
from graphtool.subgraph import Subgraph

SHEET_ROWS = 1_048_575  # Excel's limit less the header row


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    book = Workbook(write_only=True)
    for label, nodes in tables.by_label(subgraph).items():
        header = tables.node_header([label])
        _sheets(book, label, header, [tables.node_row(n, header) for n in nodes])
    for rel_type, edges in tables.by_type(subgraph).items():
        header = tables.edge_header([rel_type])
        _sheets(book, rel_type, header, [tables.edge_row(e, header) for e in edges])
    if not subgraph.nodes:
        book.create_sheet("empty").append(["this subgraph has no nodes"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheets(book: Workbook, name: str, header: list[str], rows: list[list[Any]]) -> None:
    for part, chunk in enumerate(_chunks(rows), start=1):
        sheet = book.create_sheet(name if part == 1 else f"{name} ({part})")
        sheet.append(header)
        for row in chunk:
            sheet.append([_cell(sheet, v) for v in row])


def _chunks(rows: list[list[Any]]) -> Iterator[list[list[Any]]]:
    for start in range(0, max(len(rows), 1), SHEET_ROWS):
        yield rows[start : start + SHEET_ROWS]


def _cell(sheet: Any, value: Any) -> Any:
    """Text stays text: source text starting with ``=`` must never become a formula. Control
    characters that the file format cannot hold are shown as U+FFFD."""
    if isinstance(value, list | tuple):
        value = values.text(value)
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if not value.startswith("="):  # openpyxl writes any other string as text
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell
