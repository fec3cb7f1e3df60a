"""The approximate index for large stores: it finds what brute force finds, is kept in step with
the vector mirror, and clustering through it gives the same claims."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claims import annindex, claimstore, store
from claims.cluster import indexed_pairs, neighbour_pairs
from claims.settings import Settings

from .test_claimstore import ARTICLES, FakeEncoder, add_article, run_claims, snapshot

pytest.importorskip("faiss")


def clustered_vectors(n: int, centres: int, seed: int) -> np.ndarray:
    """Return n unit vectors around a few centres (like embeddings of a few stories)."""
    rng = np.random.default_rng(seed)
    middle = rng.standard_normal((centres, 64)).astype(np.float32)
    x = middle[rng.integers(0, centres, n)] + 0.35 * rng.standard_normal((n, 64)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def pair_set(pairs) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return set(zip(pairs.query.tolist(), pairs.target.tolist(), strict=True))


def test_list_count_grows_with_the_square_root() -> None:
    assert annindex.list_count(1_000_000) == 4096
    assert annindex.list_count(200_000) == 2048
    assert annindex.list_count(100) == 64


def test_index_finds_the_brute_force_neighbours_with_exact_cosines(tmp_path: Path) -> None:
    matrix = clustered_vectors(8000, 200, seed=1)
    hashes = np.array([f"h{i}" for i in range(len(matrix))], dtype=object)
    index = annindex.load_index(tmp_path / "db.vectors-x", matrix, hashes, min_rows=1000)
    assert index is not None and index.ntotal == len(matrix)
    queries = clustered_vectors(300, 200, seed=1)[:300]
    exact = neighbour_pairs(queries, matrix, k=5, floor=0.5)
    found = indexed_pairs(queries, matrix, index, k=5, floor=0.5)
    recall = len(pair_set(found) & pair_set(exact)) / len(pair_set(exact))
    assert recall >= 0.95, recall
    np.testing.assert_allclose(
        found.cosine, np.einsum("ij,ij->i", queries[found.query], matrix[found.target]), atol=1e-6
    )
    assert found.cosine.min() >= 0.5
    assert np.bincount(found.query).max() <= 5
    blocks = indexed_pairs(queries, matrix, index, k=5, floor=0.5, block=64)
    assert pair_set(blocks) == pair_set(found)


def test_index_is_extended_kept_and_rebuilt_with_the_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stem = tmp_path / "db.vectors-x"
    matrix = clustered_vectors(3000, 50, seed=2)
    hashes = np.array([f"h{i}" for i in range(len(matrix))], dtype=object)
    assert annindex.load_index(stem, matrix[:2000], hashes[:2000], min_rows=5000) is None
    assert annindex.load_index(stem, matrix[:2000], hashes[:2000], min_rows=0) is None
    annindex.load_index(stem, matrix[:2000], hashes[:2000], min_rows=1000)
    index_file, meta_file = annindex.index_paths(stem)
    assert json.loads(meta_file.read_text())["rows"] == 2000
    # A few more mirror rows: added on load, not yet written.
    assert annindex.load_index(stem, matrix[:2400], hashes[:2400], min_rows=1000).ntotal == 2400
    assert json.loads(meta_file.read_text())["rows"] == 2000
    # Enough of them: added to the stored index (same lists), and the files rewritten.
    monkeypatch.setattr(annindex, "PERSIST_ROWS", 1000)
    grown = annindex.load_index(stem, matrix, hashes, min_rows=1000)
    assert grown.ntotal == 3000 and json.loads(meta_file.read_text())["rows"] == 3000
    # Nothing new: the stored index is used as it is.
    before = index_file.stat().st_mtime_ns
    assert annindex.load_index(stem, matrix, hashes, min_rows=1000).ntotal == 3000
    assert index_file.stat().st_mtime_ns == before
    assert json.loads(meta_file.read_text())["trained_rows"] == 2000
    # A store grown to 4x the rows the index was trained on: the lists are placed anew.
    bigger = clustered_vectors(8000, 50, seed=3)
    more = np.array([f"h{i}" for i in range(len(bigger))], dtype=object)
    bigger[:3000], more[:3000] = matrix, hashes
    assert annindex.load_index(stem, bigger, more, min_rows=1000).ntotal == 8000
    assert json.loads(meta_file.read_text())["trained_rows"] == 8000
    # A mirror with other rows (rebuilt in another order): the index is rebuilt.
    other = hashes[::-1].copy()
    rebuilt = annindex.load_index(stem, matrix[::-1].copy(), other, min_rows=1000)
    assert rebuilt.ntotal == 3000 and json.loads(meta_file.read_text())["first"] == other[0]
    annindex.remove_index(stem)
    assert not index_file.exists() and not meta_file.exists()


def test_no_index_for_a_handful_of_rows(tmp_path: Path) -> None:
    matrix = clustered_vectors(500, 5, seed=4)
    hashes = np.array([f"h{i}" for i in range(len(matrix))], dtype=object)
    assert annindex.load_index(tmp_path / "db.vectors-x", matrix, hashes, min_rows=1) is None


def test_clustering_through_the_index_gives_the_same_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(annindex, "MIN_TRAIN_ROWS", 1)  # index even these few vectors
    claims_by_path = []
    for name, min_rows in (("exact", 0), ("indexed", 1)):
        settings = Settings(db=tmp_path / f"{name}.duckdb", index_min_rows=min_rows)
        con = store.connect(settings.db)
        run_id = store.start_run(con, "test ingest")
        for outlet in ("Wire", "Daily", "Post"):
            add_article(con, outlet, ARTICLES[outlet], run_id)
        run_claims(con, settings, FakeEncoder())
        claims_by_path.append(snapshot(con))
        stem = claimstore.load_vectors(con, FakeEncoder.model_id).stem
        assert annindex.index_paths(stem)[0].exists() == (min_rows > 0)
        con.close()
    assert claims_by_path[0] == claims_by_path[1]
