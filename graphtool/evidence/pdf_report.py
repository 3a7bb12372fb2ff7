"""The report as PDF, with fpdf2 (pure Python) and an embedded, subsetted CJK font.

Why fpdf2 (docs/evidence.md): it embeds OpenType/CFF fonts such as Noto Sans CJK, so Chinese
names print on any machine; its output is byte-identical for the same input once the creation
date is fixed (we use the case's last change), which the pack's manifest needs; it installs from
PyPI alone. ReportLab cannot embed CFF-outline fonts; headless Chromium writes a fresh creation
time and document id on every run.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from graphtool.errors import GraphtoolError
from graphtool.evidence.dossier import Dossier
from graphtool.evidence.html_report import sections, summary_rows
from graphtool.evidence.picture import COLOURS, HEIGHT, OTHER, WIDTH, Drawing, short

# (file, index in a font collection): Noto Sans CJK's collection holds JP, KR, SC, TC, HK in that order
FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CELL_LIMIT = 1500  # characters per table cell; the HTML report and facts.json keep everything


def font_file() -> tuple[str, int]:
    """The CJK font to embed: $GRAPHTOOL_PDF_FONT (a .ttf, .otf or .ttc) or a known system path."""
    if chosen := os.environ.get("GRAPHTOOL_PDF_FONT"):
        if not Path(chosen).exists():
            raise GraphtoolError(f"GRAPHTOOL_PDF_FONT names {chosen}, which does not exist")
        return chosen, 2 if chosen.endswith("NotoSansCJK-Regular.ttc") else 0
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            return path, index
    raise GraphtoolError(
        "no CJK font for the PDF report: install fonts-noto-cjk (apt) or set GRAPHTOOL_PDF_FONT to a font file"
    )


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = "; ".join(f"{k}: {v}" for k, v in value.items())
    text = CONTROL.sub(" ", "" if value is None else str(value))
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…"


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("cjk", size=7)
        self.cell(0, 5, f"{self.title}  ·  page {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str, size: int = 13) -> None:
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(0, 8, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=7)


def _table(
    pdf: FPDF, header: list[str], rows: list[list[Any]], widths: tuple[float, ...] | None = None
) -> None:
    if not rows:
        pdf.multi_cell(0, 5, "(none)", new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=3.6,
        headings_style=FontFace(fill_color=(235, 235, 235)),
    ) as table:
        table.row(header)
        for row in rows:
            table.row([_text(v) for v in row])
    pdf.ln(3)


def _picture(pdf: FPDF, drawing: Drawing) -> None:
    left, top = pdf.l_margin, pdf.get_y()
    scale = min((pdf.w - 2 * pdf.l_margin) / WIDTH, (pdf.h - top - 20) / HEIGHT)
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    for _, x1, y1, x2, y2 in drawing.edges:
        pdf.line(left + x1 * scale, top + y1 * scale, left + x2 * scale, top + y2 * scale)
    pdf.set_font("cjk", size=6)
    for _, label, caption, x, y in drawing.nodes:
        pdf.set_fill_color(*_hex(COLOURS.get(label, OTHER)))
        cx, cy = left + x * scale, top + y * scale
        pdf.circle(cx, cy, 1.6, style="F")
        pdf.text(cx + 2.2, cy + 1, _text(short(caption)))
    pdf.set_fill_color(255, 255, 255)
    pdf.set_y(top + HEIGHT * scale + 4)
    pdf.set_font("cjk", size=7)
    if drawing.hidden:
        pdf.multi_cell(0, 5, f"{drawing.hidden} more nodes are not drawn; every one is listed below.")


def render(d: Dossier, drawing: Drawing) -> bytes:
    pdf = _Report(orientation="L", format="A4")
    stamp = max([h["at"] for h in d.case.history] or [d.case.created_at])
    pdf.set_creation_date(dt.datetime.fromisoformat(stamp))
    pdf.set_title(f"Evidence pack {d.case.case_id}")
    pdf.set_author("graphtool")
    path, index = font_file()
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    _heading(pdf, f"Evidence pack {d.case.case_id}: {d.case.name}", 16)
    _table(pdf, ["", ""], summary_rows(d), (1, 4))
    if d.case.notes:
        _heading(pdf, "Notes")
        _table(pdf, ["note", "by", "at"], [[n["text"], n["by"], n["at"]] for n in d.case.notes], (6, 1, 2))
    _heading(pdf, "The subgraph")
    _picture(pdf, drawing)
    pdf.add_page()
    _heading(pdf, "Alerts")
    for a in d.alerts:
        _heading(pdf, f"{a['id']}: rule {a['rule']}, score {a['score']:.2f} ({a['status']})", 10)
        pdf.multi_cell(0, 4, _text(a["sentence"]), new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 4, _text("Rule: " + a["rule_description"]), new_x="LMARGIN", new_y="NEXT")
        _table(pdf, ["indicator", "meaning"], [[k, v] for k, v in a["indicators"].items()], (1, 6))
        _table(
            pdf,
            ["evidence", "source file", "row"],
            [[f["text"], f["file"], f["row"]] for f in a["facts"]],
            (6, 2, 1),
        )
    if not d.alerts:
        pdf.multi_cell(0, 5, "No alerts in this case.", new_x="LMARGIN", new_y="NEXT")
    for title, header, rows, widths in sections(d):
        _heading(pdf, title)
        _table(pdf, header, rows, widths)
    _heading(pdf, "Queries that produced the findings")
    _table(
        pdf,
        ["finding", "query and parameters"],
        [[q["finding"], {k: v for k, v in q.items() if k != "finding"}] for q in d.queries],
        (1, 5),
    )
    if d.notes:
        _heading(pdf, "Limits")
        _table(pdf, ["limit"], [[n] for n in d.notes])
    _heading(pdf, "History of the case")
    _table(
        pdf,
        ["at", "by", "action", "details"],
        [[h["at"], h["by"], h["action"], h["details"]] for h in d.case.history],
        (2, 1, 1, 6),
    )
    return bytes(pdf.output())
