"""A numpy mirror of `store.embeddings` for one model, kept in files beside the database.

Reading a million FLOAT[] vectors out of DuckDB costs seconds (list decoding), on every run. The
writer's database file gets four companions instead:

    <db>.vectors-<model digest>.f32     raw float32 rows, appended
    <db>.vectors-<model digest>.bf16    the same rows as bfloat16 bits (for the fast search)
    <db>.vectors-<model digest>.hashes  one text hash per line, same order
    <db>.vectors-<model digest>.json    rows, dimension, newest created_at mirrored

(and on large stores the approximate index over these rows, claims/annindex.py).

Each load fetches only the rows created since the last one (a created_at range scan touches the
newest row groups only) and checks a sample of mirrored hashes against the database; any mismatch
(the file replaced, rows deleted) rebuilds the mirror from the table. An in-memory database has no
files: the mirror is then read from the table each time. The database stays the source of truth;
deleting the files is always safe.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from .annindex import remove_index
from .ids import digest
from .store import Connection

log = logging.getLogger(__name__)

SPOT_CHECKS = 16
# Older texts looked up one by one before every row is indexed instead.
FEW_OLD_TEXTS = 16


@dataclass
class Vectors:
    """Text hashes and their unit vectors (row i of `matrix` is `hashes[i]`).

    `matrix` may be a read-only memory map; `bf16` is the same rows as bfloat16 bit patterns
    when the mirror has them (None for an in-memory database).
    """

    hashes: np.ndarray
    matrix: np.ndarray
    bf16: np.ndarray | None = None
    recent: int = 0
    stem: Path | None = None  # the mirror files' common prefix (None: in-memory database)
    _index: dict[str, int] | None = None

    def rows_of(self, hashes: Any) -> np.ndarray:
        """Return the row of each hash (all must be present).

        The rows added by the latest sync are indexed first: new texts are usually among them,
        so a million-row store is only indexed in full when many older texts are asked for.
        """
        wanted = list(hashes)
        if self._index is None:
            start = len(self.hashes) - self.recent
            self._index = {h: start + i for i, h in enumerate(self.hashes[start:].tolist())}
        missing = {h for h in wanted if h not in self._index}
        if len(missing) > FEW_OLD_TEXTS and len(self._index) < len(self.hashes):
            self._index = {h: i for i, h in enumerate(self.hashes.tolist())}
        else:
            # A few older texts (wire copy seen before): a vectorised scan each (~10 ms at a
            # million rows) beats indexing every row (~0.3 s).
            for h in missing:
                self._index[h] = int(np.flatnonzero(self.hashes == h)[0])
        return np.fromiter((self._index[h] for h in wanted), dtype=np.int64, count=len(wanted))


def database_path(con: Connection) -> Path | None:
    """Return the file behind the connection, or None for an in-memory database."""
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    path = rows[0][0] if rows else None
    return Path(path) if path and path != ":memory:" else None


def cache_stem(con: Connection, model: str) -> Path | None:
    """Return the common path prefix of the mirror files, or None when not file-backed."""
    db = database_path(con)
    return db.with_name(f"{db.name}.vectors-{digest(model, length=12)}") if db else None


def load_vectors(con: Connection, model: str) -> Vectors:
    """Return every stored vector of `model`, via the file mirror when there is one."""
    stem = cache_stem(con, model)
    if stem is None:
        return _from_table(con, model, None)[0]
    meta = _read_meta(stem) or _empty_meta()
    hashes = _read_hash_list(stem, meta["rows"])
    if not _complete(stem, meta, hashes) or not _spot_check(con, model, hashes):
        _remove(stem)
        meta, hashes = _empty_meta(), []
    vectors = _sync(con, model, stem, meta, hashes)
    if not _count_matches(con, model, len(vectors.hashes)):
        log.warning("vector mirror %s disagrees with the table: rebuilding it", stem)
        _remove(stem)
        vectors = _sync(con, model, stem, _empty_meta(), [])
    vectors.stem = stem
    return vectors


def _complete(stem: Path, meta: dict[str, Any], hashes: list[str]) -> bool:
    """Return whether both files hold at least the rows the metadata promises."""
    vec_path, _, _, half_path = _paths(stem)
    size = vec_path.stat().st_size if vec_path.exists() else 0
    half = half_path.stat().st_size if half_path.exists() else 0
    rows, dim = meta["rows"], meta["dim"]
    return len(hashes) >= rows and size >= rows * dim * 4 and half >= rows * dim * 2


def _empty_meta() -> dict[str, Any]:
    return {"rows": 0, "dim": 0, "since": None}


def _from_table(
    con: Connection, model: str, since: datetime | None
) -> tuple[Vectors, datetime | None]:
    """Return rows created after `since` (all when None) and the newest created_at."""
    where = "model = ?" + (" AND created_at > ?" if since is not None else "")
    params: list[Any] = [model] + ([since] if since is not None else [])
    cols = con.execute(
        f"SELECT text_hash, vector, created_at FROM store.embeddings WHERE {where}", params
    ).fetchnumpy()
    hashes = np.asarray(cols["text_hash"], dtype=object)
    if len(hashes) == 0:
        return Vectors(hashes, np.zeros((0, 0), dtype=np.float32)), since
    matrix = np.stack(list(cols["vector"])).astype(np.float32, copy=False)
    newest = max(cols["created_at"].tolist())
    return Vectors(hashes, matrix, recent=len(hashes)), newest


def _sync(
    con: Connection, model: str, stem: Path, meta: dict[str, Any], hashes: list[str]
) -> Vectors:
    """Append rows created since the mirror's last sync, then return the whole mirror."""
    since = datetime.fromisoformat(meta["since"]) if meta["since"] else None
    new, newest = _from_table(con, model, since)
    known = set(hashes)
    fresh = np.array([h not in known for h in new.hashes.tolist()], dtype=bool)
    if fresh.any():
        meta["dim"] = int(new.matrix.shape[1])
        meta["hash_bytes"] = _append(stem, hashes, meta, new.hashes[fresh], new.matrix[fresh])
        hashes = hashes + new.hashes[fresh].tolist()
        meta["rows"] = len(hashes)
    meta["since"] = newest.isoformat() if newest else meta["since"]
    _write_meta(stem, meta)
    return _read(stem, meta, hashes, int(fresh.sum()))


def _count_matches(con: Connection, model: str, rows: int) -> bool:
    found = con.execute("SELECT count(*) FROM store.embeddings WHERE model = ?", [model])
    return int(found.fetchall()[0][0]) == rows


def _spot_check(con: Connection, model: str, hashes: list[str]) -> bool:
    """Return whether a sample of mirrored hashes are still in the table (same database)."""
    if not hashes:
        return True
    picks = sorted({hashes[i] for i in np.linspace(0, len(hashes) - 1, SPOT_CHECKS).astype(int)})
    marks = ", ".join("?" for _ in picks)
    found = con.execute(
        f"SELECT count(*) FROM store.embeddings WHERE model = ? AND text_hash IN ({marks})",
        [model, *picks],
    ).fetchall()[0][0]
    return int(found) == len(picks)


def _paths(stem: Path) -> tuple[Path, Path, Path, Path]:
    return (
        stem.with_name(stem.name + ".f32"),
        stem.with_name(stem.name + ".hashes"),
        stem.with_name(stem.name + ".json"),
        stem.with_name(stem.name + ".bf16"),
    )


def bf16_bits(matrix: np.ndarray) -> np.ndarray:
    """Return float32 rows as bfloat16 bit patterns (round to nearest even), as uint16."""
    bits = np.ascontiguousarray(matrix, dtype=np.float32).view(np.uint32)
    rounded = bits + 0x7FFF + ((bits >> 16) & 1)
    return (rounded >> 16).astype(np.uint16)


def _read_meta(stem: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads(_paths(stem)[2].read_text(encoding="utf-8"))
        return meta if {"rows", "dim", "since"} <= meta.keys() else None
    except (OSError, ValueError):
        return None


def _write_meta(stem: Path, meta: dict[str, Any]) -> None:
    path = _paths(stem)[2]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, path)


def _read_hash_list(stem: Path, rows: int) -> list[str]:
    path = _paths(stem)[1]
    if not path.exists():
        return []
    # Only the first `rows` lines count: a crash may have left a partial append behind.
    return path.read_text(encoding="utf-8").split("\n")[:rows]


def _append(
    stem: Path, hashes: list[str], meta: dict[str, Any], new_hashes: np.ndarray, matrix: np.ndarray
) -> int:
    """Append rows to the files, first cutting them back to the mirrored rows (a crash may have
    left a partial append behind); return the hash file's new size in bytes."""
    dim = meta["dim"]
    vec_path, hash_path, _, half_path = _paths(stem)
    for path, width in ((vec_path, 4), (half_path, 2)):
        if path.exists() and path.stat().st_size != len(hashes) * dim * width:
            with path.open("r+b") as fh:
                fh.truncate(len(hashes) * dim * width)
    expected = meta.get("hash_bytes")
    if expected is None or len(hashes) != meta["rows"]:
        expected = sum(len(h.encode()) + 1 for h in hashes)
    if not hash_path.exists() or hash_path.stat().st_size != expected:
        hash_path.write_text("".join(f"{h}\n" for h in hashes), encoding="utf-8")
    with vec_path.open("ab") as fh:
        fh.write(np.ascontiguousarray(matrix, dtype=np.float32).tobytes())
    with half_path.open("ab") as fh:
        fh.write(bf16_bits(matrix).tobytes())
    added = "".join(f"{h}\n" for h in new_hashes.tolist())
    with hash_path.open("a", encoding="utf-8") as fh:
        fh.write(added)
    return int(expected) + len(added.encode())


def _read(stem: Path, meta: dict[str, Any], hashes: list[str], recent: int) -> Vectors:
    rows, dim = meta["rows"], meta["dim"]
    if rows == 0:
        return Vectors(np.empty(0, dtype=object), np.zeros((0, dim), dtype=np.float32))
    vec_path, _, _, half_path = _paths(stem)
    # The float32 rows are mapped, not read: the search reads the half-size bf16 copy, and
    # only candidate rows are read back in float32.
    matrix = np.memmap(vec_path, dtype=np.float32, mode="r", shape=(rows, dim))
    # Copy-on-write: torch wants a writable buffer; nothing is ever written back.
    half = np.memmap(half_path, dtype=np.uint16, mode="c", shape=(rows, dim))
    return Vectors(np.asarray(hashes, dtype=object), matrix, half, recent=recent)


def _remove(stem: Path) -> None:
    remove_index(stem)  # first: its rows are the mirror's rows, and must not outlive them
    for path in _paths(stem):
        path.unlink(missing_ok=True)
