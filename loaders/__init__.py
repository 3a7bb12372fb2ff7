"""Loaders: recognise a source file, stage it (parse, normalise, validate) and write it to a workspace.

``load_file(workspace, path)`` is the one entry point. Structured formats (FollowTheMoney, BODS,
US screening lists, OFAC SDN) are recognised by their structure; anything tabular is matched
against the built-in mappings by its headers, or read with the mapping the user names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from graphtool.errors import SourceError
from loaders.staging import Staged

if TYPE_CHECKING:  # the workspace imports this package's staging module, so these are imported where used
    from graphtool.workspace import LoadReport, Workspace
    from loaders.mapping import Mapping

SNIFF_BYTES = 64 * 1024
TABLE_ONLY_SUFFIXES = (".xlsx", ".xlsm")


def structured_parsers() -> list[ModuleType]:
    """The loaders of formats that are not tables, in the order they are asked to recognise a file."""
    from loaders import bods, ftm, ofac_sdn, us_lists  # they import the workspace's staging module

    return [ftm, bods, ofac_sdn, us_lists]


def choose_mapping(headers: list[str], path: Path) -> Mapping:
    """The built-in mapping whose required fields the headers all supply and that matches most fields."""
    from loaders.mapping import builtin_mappings
    from loaders.tabular import matched_fields

    scored = []
    for mapping in builtin_mappings().values():
        hits, complete = matched_fields(mapping, headers)
        if complete:
            scored.append((hits, mapping.name, mapping))
    if not scored:
        raise SourceError(
            f"{path}: no built-in layout fits these columns: {', '.join(headers)}. "
            "Write a mapping (docs/mappings.md) and load with --mapping FILE.yml"
        )
    return max(scored, key=lambda s: (s[0], s[1]))[2]


def stage_file(
    path: Path, data: bytes, mapping_path: Path | None = None
) -> tuple[Staged | Iterator[Staged], str, str, str]:
    """Stage a file; returns the batch (or its chunks), loader name, mapping name and detected encoding."""
    from loaders.mapping import read_mapping
    from loaders.reading import read_source
    from loaders.tabular import stage_chunks

    if mapping_path is None and path.suffix.lower() not in TABLE_ONLY_SUFFIXES:
        head = data[:SNIFF_BYTES]
        for parser in structured_parsers():
            if parser.sniff(path, head):
                return parser.parse(path), parser.NAME, "", "utf-8"
    source = read_source(path, data)
    mapping = read_mapping(mapping_path) if mapping_path else choose_mapping(source.headers, path)
    return stage_chunks(source, mapping, path), "tabular", mapping.name, source.encoding


def load_file(
    workspace: Workspace,
    path: str | Path,
    mapping: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Load one file into the workspace; ``progress`` is called with the rows of each written chunk."""
    from graphtool.workspace import LoadReport, SourceInfo

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from exc
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = workspace.file_loaded(sha256)
    if earlier:
        file_id, batch_id, rows = earlier
        return LoadReport(
            path.name, "", rows, 0, 0, rows, already_loaded=True, batch_id=batch_id, file_id=file_id
        )
    staged, loader, mapping_name, encoding = stage_file(path, data, Path(mapping) if mapping else None)
    info = SourceInfo(path.name, str(path.resolve()), len(data), sha256, loader, mapping_name, encoding)
    del data  # parsed: the bytes are not needed while writing
    if progress is not None:
        staged = _reporting([staged] if isinstance(staged, Staged) else staged, progress)
    return workspace.ingest(staged, info)


def _reporting(chunks: Iterable[Staged], progress: Callable[[int], None]) -> Iterator[Staged]:
    for chunk in chunks:
        yield chunk
        progress(chunk.rows_read)  # after the workspace has written it
