"""Finding article files under the given paths, and recognising files the store has seen."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from ..readers import InputError, MissingFileError, is_metadata_file
from ..store import Connection


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[InputError]]:
    """Return the article files under `paths` in sorted order, and errors for missing paths."""
    files: list[Path] = []
    errors: list[InputError] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(walk(path))
        elif path.is_file():
            if not is_metadata_file(path):
                files.append(path)
        else:
            errors.append(MissingFileError("no such file or directory", path=path))
    return list(dict.fromkeys(files)), errors


def walk(directory: Path) -> list[Path]:
    """Return the non-hidden files below `directory`, sorted, without metadata files."""
    found = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(root) / name
            if not name.startswith(".") and not is_metadata_file(path):
                found.append(path)
    return sorted(found)


def bytes_hash(data: bytes) -> str:
    """Return the sha256 hex digest of raw bytes (the content_hash of store.source_files)."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str:
    """Return the sha256 hex digest of a file's bytes, streamed."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def is_known_file(con: Connection, path: Path) -> bool:
    """Return whether a file with these exact bytes was ingested before, under any name."""
    return not filter_new_files(con, [path])


def filter_new_files(con: Connection, paths: Iterable[Path]) -> list[Path]:
    """Return the files whose bytes the store has not seen (renamed copies count as seen)."""
    hashes = {}
    for path in map(Path, paths):
        try:
            hashes[path] = file_hash(path)
        except OSError:
            hashes[path] = ""  # unreadable: keep it, so ingest records why
    rows = con.execute(
        "SELECT DISTINCT content_hash FROM store.source_files "
        "WHERE content_hash IN (SELECT unnest(?::TEXT[]))",
        [sorted(set(hashes.values()))],
    ).fetchall()
    seen = {row[0] for row in rows}
    return [path for path, digest in hashes.items() if digest not in seen]


def record_source_file(
    con: Connection, path: Path, content_hash: str, article_id: str | None, run_id: str, now: object
) -> None:
    """Remember that a file's bytes were read, so inbox scans can skip it even if renamed."""
    record_source_files(con, [(path, content_hash, article_id)], run_id, now)


def record_source_files(
    con: Connection, files: list[tuple[Path, str, str | None]], run_id: str, now: object
) -> None:
    """Remember (path, content hash, sole article id) of files read, in one statement."""
    if not files:
        return
    con.execute(
        "INSERT INTO store.source_files SELECT unnest(?::TEXT[]), unnest(?::TEXT[]), "
        "unnest(?::TEXT[]), ?, ? ON CONFLICT DO NOTHING",
        [[h for _, h, _ in files], [str(p) for p, _, _ in files], [a for _, _, a in files]]
        + [now, run_id],
    )
