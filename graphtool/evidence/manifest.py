"""The pack's manifest: the sha256 of every file in the pack and of every source file used, the
tool version, and the creation time (the only line that differs when a pack is made again)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(
    files: dict[str, bytes], sources: list[dict[str, Any]], about: dict[str, Any], created_at: str
) -> bytes:
    document = {
        **about,
        "created_at": created_at,
        "files": {name: sha256(files[name]) for name in sorted(files)},
        "source_files": [
            {"name": s["name"], "path": s["path"], "bytes": s["size"], "sha256": s["sha256"]} for s in sources
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


@dataclass
class PackCheck:
    ok: bool
    checked: int
    problems: list[str] = field(default_factory=list)
    sources_checked: int = 0
    sources_not_found: list[str] = field(default_factory=list)


def _read_pack(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {
            p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
        }
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def verify(path: Path, source_root: Path | None = None) -> PackCheck:
    """Every file against the manifest (changed, missing, added), and each source file still on
    disk (at its recorded path, or under ``source_root``) against its recorded hash."""
    files = _read_pack(path)
    if MANIFEST not in files:
        return PackCheck(False, 0, [f"{path} has no {MANIFEST}: not an evidence pack"])
    try:
        document = json.loads(files.pop(MANIFEST))
    except ValueError:
        return PackCheck(False, 0, [f"{MANIFEST} is not valid JSON: it was altered"])
    listed: dict[str, str] = document.get("files", {})
    problems = [
        f"{name}: changed (sha256 differs from the manifest)"
        for name in sorted(listed)
        if name in files and sha256(files[name]) != listed[name]
    ]
    problems += [f"{name}: missing from the pack" for name in sorted(set(listed) - set(files))]
    problems += [f"{name}: not in the manifest (added later)" for name in sorted(set(files) - set(listed))]
    check = PackCheck(False, len(listed), problems)
    for source in document.get("source_files", []):
        candidates = [Path(source["path"] or "")] + ([source_root / source["name"]] if source_root else [])
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            check.sources_not_found.append(source["name"])
            continue
        check.sources_checked += 1
        if sha256(found.read_bytes()) != source["sha256"]:
            problems.append(
                f"source file {found}: sha256 differs from the one loaded ({source['sha256'][:12]}…)"
            )
    check.ok = not problems
    return check
