"""Reading tabular sources (CSV, TSV, XLSX) as text cells, a slice of rows at a time.

Delimited text is split into records once (line breaks outside quotes), then each slice of records
is parsed by Arrow when it is staged, so reading overlaps with writing and, beyond the file's own
bytes, memory stays bounded by the slice whatever the file's size. The encoding is detected (UTF-8 with or without BOM, else
GB18030, a superset of GBK, so a Chinese name is never garbled); cells are kept as text, empty
cells as null. Records that do not fit the header are read one by one with the ``csv`` module,
keep their true row numbers and go to quarantine; every record keeps its original bytes.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graphtool.errors import SourceError
from loaders.staging import raw_blocks

BadRow = tuple[int, dict[str, str], str]  # row number, its cells as found, why it does not fit
SCAN_BYTES = 1 << 24  # line breaks and quotes are looked for in slices of this size


@dataclass
class SourceSlice:
    """Consecutive rows of a source: ``table`` has one text column per header (rows that fit), ``row_no``
    their row numbers, ``bad_rows`` the records that could not be split into the header's columns
    (they count as read and go to quarantine) and ``raw`` every record as read (header in the first)."""

    table: pa.Table
    row_no: pa.Array
    bad_rows: list[BadRow]
    raw: pa.Table

    @property
    def rows_read(self) -> int:
        return self.table.num_rows + len(self.bad_rows)


class TableSource:
    """A source read whole into text columns (a spreadsheet); the raw records are its cells."""

    def __init__(self, table: pa.Table, encoding: str, headers: list[str]) -> None:
        self.table, self.encoding, self.headers = table, encoding, headers

    def slices(self, rows: int) -> Iterator[SourceSlice]:
        for start in range(0, max(self.table.num_rows, 1), rows):
            part = self.table.slice(start, rows)
            row_no = pa.array(range(start + 1, start + part.num_rows + 1), pa.int64())
            yield SourceSlice(part, row_no, [], raw_cells(part, self.headers, row_no))


class DelimitedSource:
    """Delimited text: its bytes and the bounds of each record (record 0 is the header line)."""

    def __init__(
        self, data: memoryview, path: Path, encoding: str, headers: list[str], delimiter: str
    ) -> None:
        self.data, self.path, self.encoding = data, path, encoding
        self.headers, self.delimiter = headers, delimiter
        self.starts, self.ends = record_bounds(data)
        # in GB18030 the bytes of comma, semicolon, tab, quote and newline never occur inside a
        # character, so cells are split as bytes; "|" can, so such files are parsed as UTF-8
        self.transcode = encoding != "utf-8" and delimiter == "|"

    def slices(self, rows: int) -> Iterator[SourceSlice]:
        records, first = len(self.starts), 1
        while True:  # at least one slice: a file of headers alone still has its header to keep
            stop = max(min(first + rows, records), first)
            parsed = self._parse(first, stop)
            if parsed is None:  # a record does not fit the header, or a stray quote: record by record
                one_by_one = self._records(first)
                batch = list(islice(one_by_one, stop - first))
                yield self._slice_of(batch)
                if not batch or batch[-1][3] != self.ends[stop - 1]:  # the bounds are off from here on
                    while batch := list(islice(one_by_one, rows)):
                        yield self._slice_of(batch)
                    return
            else:
                yield parsed
            first = stop
            if first >= records:
                return

    def _parse(self, first: int, stop: int) -> SourceSlice | None:
        """Records ``first`` to ``stop - 1`` parsed by Arrow, or None when they do not all fit."""
        if stop == first:  # no records: the header alone
            empty = pa.table({h: pa.array([], pa.string()) for h in self.headers})
            return SourceSlice(empty, pa.array([], pa.int64()), [], self._raw(first, stop))
        cells, encoding = self.data[self.starts[first] : self.ends[stop - 1]], self.encoding
        if self.transcode:
            cells, encoding = memoryview(_decode(bytes(cells), encoding, self.path).encode("utf-8")), "utf-8"
        misfits: list[int] = []
        try:
            table = _arrow_csv(cells, len(self.headers), self.delimiter)
        except pa.ArrowInvalid:  # some record has another number of fields: parse again, noting them
            if encoding != "utf-8":  # Arrow hands such a record's text to Python as UTF-8
                cells, encoding = (
                    memoryview(_decode(bytes(cells), encoding, self.path).encode("utf-8")),
                    "utf-8",
                )
            try:
                table = _arrow_csv(cells, len(self.headers), self.delimiter, misfits)
            except pa.ArrowInvalid:
                return None
        if table.num_rows + len(misfits) != stop - first or None in misfits:  # a stray quote
            return None
        bad = [first + n - 1 for n in misfits]
        row_no = np.setdiff1d(np.arange(first, stop), bad, assume_unique=True)
        columns = [
            _text_column(table.column(i), encoding, self.path, h, row_no) for i, h in enumerate(self.headers)
        ]
        return SourceSlice(
            pa.table(columns, names=self.headers),
            pa.array(row_no, pa.int64()),
            self._misfits(bad),
            self._raw(first, stop),
        )

    def _misfits(self, rows: list[int]) -> list[BadRow]:
        """Records that do not fit the header, as the ``csv`` module splits their original bytes."""
        found = []
        for r in rows:
            line = _decode(bytes(self.data[self.starts[r] : self.ends[r]]), self.encoding, self.path)
            found.append(
                _bad_row(r, next(csv.reader([line], delimiter=self.delimiter), []), len(self.headers))
            )
        return found

    def _raw(
        self, first: int, stop: int, starts: np.ndarray | None = None, ends: np.ndarray | None = None
    ) -> pa.Table:
        """Records first..stop-1 as stored blocks; the first slice also holds the header (row 0)."""
        if starts is None or ends is None:
            starts, ends = self.starts[first:stop], self.ends[first:stop]
        if first == 1:
            starts, ends, first = (
                np.concatenate((self.starts[:1], starts)),
                np.concatenate((self.ends[:1], ends)),
                0,
            )
        return raw_blocks(self.data, starts, ends, first)

    def _records(self, first: int) -> Iterator[tuple[int, list[str], int, int]]:
        """Records from ``first`` on, split by the ``csv`` module (row number, cells, start and end
        byte), so that every row keeps its true number and a record that does not fit is reported
        instead of shifting the rest."""
        base = int(self.starts[first])
        body = self.data[base:]
        lines = np.frombuffer(body, np.uint8)
        breaks = _breaks(lines)
        line_starts = np.concatenate(([0], breaks + 1))
        line_ends = np.concatenate((breaks, [len(lines)]))
        text = (
            bytes(body[s:e]).decode(self.encoding, "strict") + "\n"
            for s, e in zip(line_starts, line_ends, strict=True)
        )
        reader = csv.reader(_checked(text, self.path), delimiter=self.delimiter)
        row_no, consumed = first, 0
        for record in reader:
            begin, consumed = consumed, reader.line_num
            if not record:
                continue  # an empty line is no record (Arrow skips it too)
            end = int(line_ends[consumed - 1])
            end -= end > line_starts[begin] and lines[end - 1] == 13  # without a carriage return
            yield row_no, record, base + int(line_starts[begin]), base + end
            row_no += 1

    def _slice_of(self, batch: list[tuple[int, list[str], int, int]]) -> SourceSlice:
        width = len(self.headers)
        good = [(r, cells) for r, cells, _, _ in batch if len(cells) == width]
        bad = [_bad_row(r, cells, width) for r, cells, _, _ in batch if len(cells) != width]
        columns = {
            h: pa.array([cells[i] if cells[i] != "" else None for _, cells in good], pa.string())
            for i, h in enumerate(self.headers)
        }
        row_no = pa.array([r for r, _ in good], pa.int64())
        first = batch[0][0] if batch else 1
        starts = np.array([s for _, _, s, _ in batch], np.int64)
        ends = np.array([e for _, _, _, e in batch], np.int64)
        return SourceSlice(pa.table(columns), row_no, bad, self._raw(first, first + len(batch), starts, ends))


def _bad_row(row_no: int, cells: list[str], width: int) -> BadRow:
    """A record that does not fit the header: its cells as found, and why."""
    reason = f"row has {len(cells)} fields, the header has {width}"
    return row_no, {f"column {i + 1}": v for i, v in enumerate(cells)}, reason


def _checked(lines: Iterator[str], path: Path) -> Iterator[str]:
    try:
        yield from lines
    except UnicodeDecodeError as exc:
        raise _undecodable(path, "in a row that does not fit the header", exc) from exc


def header_key(header: str) -> str:
    """Headers compare after NFKC (full-width brackets), case folding and removing whitespace."""
    return "".join(unicodedata.normalize("NFKC", header).casefold().split())


def detect_encoding(data: bytes | memoryview, path: Path) -> str:
    """UTF-8 when every byte sequence is valid UTF-8, else GB18030 (a superset of GBK and GB2312).

    Arrow validates the bytes in place: Python's decoder would take seconds on a large Chinese file,
    and its error would copy the whole file."""
    whole = pa.Array.from_buffers(
        pa.large_binary(), 1, [None, pa.py_buffer(np.array([0, len(data)], np.int64)), pa.py_buffer(data)]
    )
    try:
        whole.cast(pa.large_string())
        return "utf-8"
    except pa.ArrowInvalid:
        return "gb18030"  # checked while decoding: an invalid sequence fails the file (see _text_column)


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    return max(counts, key=lambda d: counts[d])


def _undecodable(path: Path, where: str, exc: UnicodeDecodeError) -> SourceError:
    return SourceError(
        f"{path}: neither UTF-8 nor GB18030/GBK text ({exc.reason} {where}); save it as UTF-8 and load again"
    )


def _decode(body: bytes, encoding: str, path: Path) -> str:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _undecodable(path, f"at byte {exc.start}", exc) from exc


def read_delimited(data: bytes, path: Path) -> DelimitedSource:
    """The header and record bounds of delimited text; the cells are parsed slice by slice."""
    encoding = detect_encoding(data, path)
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = data.find(b"\n", start)
    first_line = _decode(data[start : end if end >= 0 else len(data)], encoding, path).rstrip("\r")
    delimiter = sniff_delimiter(first_line)
    headers = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter))]
    if len(set(headers)) != len(headers):
        dupes = sorted({h for h in headers if headers.count(h) > 1})
        raise SourceError(f"{path}: repeated column headers {dupes}")
    return DelimitedSource(memoryview(data)[start:], path, encoding, headers, delimiter)


def _breaks(buf: np.ndarray) -> np.ndarray:
    """Positions of every line feed, found slice by slice (one mask the size of the file costs more)."""
    parts = [np.flatnonzero(buf[s : s + SCAN_BYTES] == 10) + s for s in range(0, len(buf), SCAN_BYTES)]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def record_bounds(body: memoryview) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (without the line break) of every non-empty record. A line feed after an odd
    number of quote characters is inside a quoted cell and belongs to its record (doubled quotes in
    a cell count twice); Arrow checks each slice against these bounds."""
    buf = np.frombuffer(body, np.uint8)
    parts, quotes_before = [], 0
    for s in range(0, len(buf), SCAN_BYTES):
        part = buf[s : s + SCAN_BYTES]
        feeds = np.flatnonzero(part == 10)
        quotes = np.flatnonzero(part == 34)
        if len(quotes) or quotes_before % 2:
            feeds = feeds[(quotes_before + np.searchsorted(quotes, feeds)) % 2 == 0]
        quotes_before += len(quotes)
        parts.append(feeds + s)
    breaks = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(buf)]))
    if len(buf):
        ends -= (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
    keep = ends > starts
    return starts[keep], ends[keep]


def _arrow_csv(body: memoryview, width: int, delimiter: str, misfits: list[int] | None = None) -> pa.Table:
    """Cells as bytes. With ``misfits``, records with another number of fields are skipped and their
    numbers (1-based within ``body``) noted there; Arrow knows them only when parsing on one thread."""

    noted = [] if misfits is None else misfits

    def skip(row: pacsv.InvalidRow) -> str:
        noted.append(row.number)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    return pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(body)),
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24, use_threads=misfits is None),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            invalid_row_handler=None if misfits is None else skip,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.binary() for n in names},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )


def _text_column(
    cells: pa.ChunkedArray, encoding: str, path: Path, header: str, row_no: np.ndarray
) -> pa.Array:
    """A column of cell bytes as text: UTF-8 as it is (the file was checked whole), else each distinct
    value decoded once (a dictionary-encoded column); ASCII is the same in every encoding."""
    cells = cells.combine_chunks()
    text = cells.view(pa.string())
    if encoding == "utf-8" or pc.all(pc.fill_null(pc.string_is_ascii(text), True)).as_py():
        return text
    encoded = pc.dictionary_encode(cells)
    values = []
    for i, value in enumerate(encoded.dictionary.to_pylist()):
        try:
            values.append(value.decode(encoding))
        except UnicodeDecodeError as exc:
            row = int(row_no[pc.index(encoded.indices, i).as_py()])
            raise _undecodable(path, f"in row {row}, column {header}", exc) from exc
    return pa.DictionaryArray.from_arrays(encoded.indices, pa.array(values, pa.string()))


def read_xlsx(path: Path) -> TableSource:
    import pandas as pd

    frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    frame = frame.replace({"": None})
    headers = [str(c).strip() for c in frame.columns]
    table = pa.table(
        {h: pa.array(frame[c].tolist(), pa.string()) for h, c in zip(headers, frame.columns, strict=True)}
    )
    return TableSource(table, "xlsx", headers)


def read_source(path: Path, data: bytes) -> TableSource | DelimitedSource:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    return read_delimited(data, path)


def raw_cells(table: pa.Table, headers: list[str], row_no: pa.Array) -> pa.Table:
    """Each row's original cells, one text column per header (c0, c1, ...). The always-empty
    ``malformed`` column is the place older workspaces kept misfit rows; it stays so that record
    hashes compare across workspaces."""
    cells = table.select(headers).rename_columns([f"c{i}" for i in range(len(headers))])
    return cells.add_column(0, "row_no", row_no).append_column(
        "malformed", pa.nulls(table.num_rows, pa.string())
    )
