"""An approximate nearest-neighbour index over the vector mirror, for stores too large to search
by brute force.

The candidate search multiplies every new text with every stored vector. At a million stored
mentions that matmul alone (bfloat16) took longer than the model took to embed the 1,000 new
sentences. Above `Settings.index_min_rows` stored vectors the search goes through a faiss IVF index
instead (inverted lists, 8-bit scalar quantised): each query scans only the `NPROBE` lists nearest
to it. The index only proposes candidates; their cosines are recomputed exactly from the float32
rows and cut at the floor, as in the brute-force search (`cluster.indexed_pairs`). What it can miss
is a neighbour filed in a list it did not probe.

Like the mirror, the index is a cache in files beside the database:

    <db>.vectors-<model digest>.ivf        the faiss index: mirror rows 0..ntotal-1, in order
    <db>.vectors-<model digest>.ivf.json   rows covered and trained on, first and last hashes

New mirror rows are added on load (and written once `PERSIST_ROWS` have piled up); an index that
no longer matches the mirror (rebuilt mirror, other model) is rebuilt, and so is one trained on
less than a quarter of the current rows.
Deleting the files is always safe.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# Lists scanned per query: 32 of 4,096 in an index built at a million rows (0.8 % of the store).
# Measured on 44,805 real news sentences (PolNeAR, ECB+, MRPC; 1,024 lists, 3,000 queries): 94 %
# of the exact top-5 neighbours at cosine >= 0.5 are found, 99.3 % of those at cosine >= 0.7
# (where merges happen). Recall with more lists (larger stores) is not measured.
NPROBE = 32
# Training sample per list (faiss asks for at least 39).
TRAIN_PER_LIST = 40
# Below this many rows an index is not built (too few points to place its lists; brute force is
# cheap there anyway), whatever `index_min_rows` says.
MIN_TRAIN_ROWS = 1000
# An index trained on n rows is rebuilt once the store holds this many times n: its lists were
# placed for the older, smaller store (fewer lists than 4 sqrt(n), centroids of old news).
RETRAIN_GROWTH = 4
ADD_BLOCK = 100_000
# Rows added since the stored index was written before it is written again.
PERSIST_ROWS = 10_000


def list_count(rows: int) -> int:
    """Return the number of inverted lists for `rows`: a power of two near 4 sqrt(rows).

    More, shorter lists make each probe cheaper (1,640 queries at a million random rows, 32 lists
    probed: 0.35 s with 4,096 lists, 1.15 s with 1,024) for a longer one-off build (~50 s vs
    ~7 s). Recall falls somewhat as lists shrink (44,805 news sentences, 32 probes: 96.7 % with
    256 lists, 94.2 % with 1,024).
    """
    return int(2 ** round(np.log2(max(4 * np.sqrt(rows), 64))))


def index_paths(stem: Path) -> tuple[Path, Path]:
    """Return (index file, its metadata file) for a mirror stem."""
    return stem.with_name(stem.name + ".ivf"), stem.with_name(stem.name + ".ivf.json")


def remove_index(stem: Path) -> None:
    """Delete the index files of a mirror (when the mirror itself is rebuilt)."""
    for path in index_paths(stem):
        path.unlink(missing_ok=True)


def load_index(
    stem: Path | None, matrix: np.ndarray, hashes: np.ndarray, min_rows: int
) -> Any | None:
    """Return an IVF index covering every row of `matrix`, or None to search by brute force.

    None when the store has fewer than `min_rows` (or `MIN_TRAIN_ROWS`) vectors, has no files
    (in-memory database), or faiss is not installed.
    """
    if stem is None or min_rows <= 0 or len(matrix) < max(min_rows, MIN_TRAIN_ROWS):
        return None
    try:
        import faiss
    except ImportError:
        log.warning("faiss is not installed: searching %d vectors by brute force", len(matrix))
        return None
    index_file, meta_file = index_paths(stem)
    index, trained_rows = _read(faiss, index_file, meta_file, matrix, hashes)
    if index is None or len(matrix) >= RETRAIN_GROWTH * trained_rows:
        index, trained_rows = _trained(faiss, matrix), len(matrix)
    stored = index.ntotal
    for start in range(stored, len(matrix), ADD_BLOCK):
        index.add(np.ascontiguousarray(matrix[start : start + ADD_BLOCK], dtype=np.float32))
    # Rewriting the file costs ~0.3 s at a million rows; adding a few thousand mirror rows on
    # the next load costs less, so a run's new rows are only written once enough pile up.
    if (stored == 0 and index.ntotal) or index.ntotal - stored >= PERSIST_ROWS:
        _write(faiss, index, index_file, meta_file, hashes, trained_rows)
    index.nprobe = NPROBE
    return index


def _read(
    faiss: Any, index_file: Path, meta_file: Path, matrix: np.ndarray, hashes: np.ndarray
) -> tuple[Any | None, int]:
    """Return (the stored index, rows it was trained on) if it still describes the mirror's first
    rows, else (None, 0)."""
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        rows, trained = int(meta["rows"]), int(meta["trained_rows"])
        if (
            not 0 < rows <= len(hashes)
            or meta["first"] != hashes[0]
            or meta["last"] != hashes[rows - 1]
        ):
            return None, 0
        index = faiss.read_index(str(index_file))
    except (OSError, ValueError, KeyError, RuntimeError):
        return None, 0
    if index.d != matrix.shape[1] or index.ntotal != rows:
        return None, 0
    return index, trained


def _trained(faiss: Any, matrix: np.ndarray) -> Any:
    """Return an empty IVF index trained on a fixed-seed sample of the rows."""
    # Small stores (only ever indexed when index_min_rows is set low) get fewer, fuller lists.
    lists = max(1, min(list_count(len(matrix)), len(matrix) // TRAIN_PER_LIST))
    size = min(len(matrix), lists * TRAIN_PER_LIST)
    sample = np.sort(np.random.default_rng(0).choice(len(matrix), size, replace=False))
    log.info("building a vector index of %d lists over %d rows", lists, len(matrix))
    index = faiss.index_factory(matrix.shape[1], f"IVF{lists},SQ8", faiss.METRIC_INNER_PRODUCT)
    index.train(np.ascontiguousarray(matrix[sample], dtype=np.float32))
    return index


def _write(
    faiss: Any,
    index: Any,
    index_file: Path,
    meta_file: Path,
    hashes: np.ndarray,
    trained_rows: int,
) -> None:
    """Write the index and then its metadata, each by atomic rename (a crash in between leaves
    a count mismatch, and the index is rebuilt)."""
    tmp = index_file.with_name(index_file.name + ".tmp")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, index_file)
    rows = int(index.ntotal)
    meta = {
        "rows": rows,
        "trained_rows": trained_rows,
        "first": str(hashes[0]),
        "last": str(hashes[rows - 1]),
    }
    tmp = meta_file.with_name(meta_file.name + ".tmp")
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, meta_file)
