"""The inbox: which article files under some folders the store has not ingested yet.

A file counts as seen when its bytes (sha256) are in `store.source_files`, under any name, so a
renamed or re-saved-unchanged file is not processed twice, while an edited one is. Files rejected
for good (a malformed article) are remembered the same way, so a scheduled run does not retry them
every tick; files rejected for a transient reason are retried.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import publish, store
from .ingest.files import expand_paths, file_hash, record_source_file

log = logging.getLogger(__name__)


def hash_cache_path(db_path: Path) -> Path:
    """Return the file remembering (size, mtime) → sha256 of scanned files, beside the store."""
    return db_path.with_name(f".{db_path.name}.file-hashes.json")


def _load_cache(cache: Path | None) -> dict[str, list[Any]]:
    if cache is None or not cache.exists():
        return {}
    try:
        return dict(json.loads(cache.read_text(encoding="utf-8")))
    except (ValueError, TypeError, OSError):
        return {}  # a damaged cache only costs re-hashing


def _cached_hash(path: Path, known: dict[str, list[Any]], fresh: dict[str, list[Any]]) -> str:
    """Return the file's sha256, re-reading it only if its size or mtime changed."""
    try:
        st = path.stat()
        key = str(path.resolve())
        entry = known.get(key)
        if entry and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
            fresh[key] = entry
            return str(entry[2])
        digest = file_hash(path)
    except OSError:
        return ""  # unreadable now: ingest records why, a later scan retries
    fresh[key] = [st.st_size, st.st_mtime_ns, digest]
    return digest


def scan(paths: Iterable[Path], cache: Path | None = None) -> dict[Path, str]:
    """Return every article file under `paths` with the sha256 of its bytes ('' if unreadable).

    With `cache`, files whose size and mtime are unchanged since the last scan are not re-read
    (an inbox of 100,000 files is then scanned in about a second); the cache file is rewritten
    only when something changed.
    """
    files, _missing = expand_paths([Path(p) for p in paths])
    known = _load_cache(cache)
    fresh: dict[str, list[Any]] = {}
    hashes = {path: _cached_hash(path, known, fresh) for path in files}
    if cache is not None and fresh != known:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.name + ".tmp")
        tmp.write_text(json.dumps(fresh), encoding="utf-8")
        os.replace(tmp, cache)
    return hashes


def seen_hashes(con: store.Connection, hashes: Iterable[str]) -> set[str]:
    """Return which of `hashes` the store has recorded in `store.source_files`."""
    wanted = sorted({h for h in hashes if h})
    if not wanted:
        return set()
    rows = con.execute(
        "SELECT DISTINCT content_hash FROM store.source_files "
        "WHERE content_hash IN (SELECT unnest(?::TEXT[]))",
        [wanted],
    ).fetchall()
    return {r[0] for r in rows}


def new_files(
    con: store.Connection | None, paths: Iterable[Path], cache: Path | None = None
) -> list[Path]:
    """Return the files under `paths` whose bytes `con`'s store has not seen, sorted.

    Two new files with identical bytes are both returned (ingest stores the article once).
    """
    hashes = scan(paths, cache)
    seen = seen_hashes(con, hashes.values()) if con is not None else set()
    return sorted(p for p, h in hashes.items() if h not in seen)


def new_files_in_published(db_path: Path | str, paths: Iterable[Path]) -> list[Path]:
    """Return the new files under `paths` as judged by the published snapshot (never blocks).

    The snapshot is opened read-only, so this works while another run writes.
    """
    db_path = Path(db_path)
    cache = hash_cache_path(db_path)
    if not db_path.exists():
        return new_files(None, paths, cache)
    con = store.connect(db_path, read_only=True)
    try:
        return new_files(con, paths, cache)
    finally:
        con.close()


def has_work(db_path: Path | str, paths: Sequence[Path]) -> tuple[bool, list[Path]]:
    """Return whether a run has anything to do (new files, or a killed run's work) and the files."""
    files = new_files_in_published(db_path, paths)
    return bool(files) or publish.has_pending_work(db_path), files


def remember_rejected(con: store.Connection, files: Sequence[Path], run_id: str) -> int:
    """Record files this run rejected for good as seen, so the next scans skip them.

    Ingest records a file in `source_files` once its articles are stored; a file it could not read
    at all (undecodable, too large, no article text) gets an `ingest_errors` row only.
    """
    rows = con.execute(
        "SELECT DISTINCT source_path FROM store.ingest_errors WHERE run_id = ? AND NOT transient",
        [run_id],
    ).fetchall()
    rejected = {r[0] for r in rows}
    hashes = {p: file_hash(p) for p in files if str(p) in rejected and p.is_file()}
    seen = seen_hashes(con, hashes.values())
    now = store.utcnow()
    fresh = {p: h for p, h in hashes.items() if h not in seen}
    for path, digest in fresh.items():
        record_source_file(con, path, digest, None, run_id, now)
    if fresh:
        log.info("%d rejected file(s) will not be retried until their bytes change", len(fresh))
    return len(fresh)
