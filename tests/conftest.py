"""Shared, session-scoped fixtures (any test module may use them).

- `encoder`: the real embedding model (claims.embed.get_encoder with default settings), loaded once
  per test session. Tests using it should be marked `@pytest.mark.slow`.
- `seeds_db`: path to a DuckDB store holding the five seed articles, ingested (and attributed when
  the attribution step is available) in one run. Built once; treat it as read-only, or use
  `seeds_db_copy` for a private writable copy.
- `seeds_db_copy`: a fresh writable copy of `seeds_db` for one test.
- `claims_db`: path to a store with the seeds run through ingest -> attribute -> embed -> cluster
  (the real model). Read-only, like `seeds_db`.
- `SEEDS`: the seed article files, sorted by name.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
SEEDS = sorted(SEEDS_DIR.glob("*.txt"))


def attribute_if_available(con, run_id: str) -> int:  # type: ignore[no-untyped-def]
    """Return #sentences attributed, or 0 when the attribution step is not installed yet."""
    try:
        from claims.attribution.store import attribute_pending
    except ImportError:
        return 0
    return attribute_pending(con, run_id)


@pytest.fixture(scope="session")
def encoder():  # type: ignore[no-untyped-def]
    from claims.embed import get_encoder
    from claims.settings import Settings

    return get_encoder(Settings())


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from claims import store
    from claims.ingest import ingest_paths
    from claims.settings import Settings

    path = tmp_path_factory.mktemp("seeds") / "seeds.duckdb"
    settings = Settings(db=path)
    con = store.connect(path)
    run_id = store.start_run(con, "test seeds")
    ingest_paths(con, list(SEEDS), run_id, settings)
    attribute_if_available(con, run_id)
    store.finish_run(con, run_id, {})
    con.close()
    return path


@pytest.fixture()
def seeds_db_copy(seeds_db: Path, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "seeds-copy.duckdb"
    shutil.copy(seeds_db, copy)
    yield copy


@pytest.fixture(scope="session")
def claims_db(seeds_db: Path, encoder, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    from claims import claimstore, store
    from claims.settings import Settings

    path = tmp_path_factory.mktemp("claims") / "claims.duckdb"
    shutil.copy(seeds_db, path)
    settings = Settings(db=path)
    con = store.connect(path)
    run_id = store.start_run(con, "test claims")
    claimstore.embed_pending(con, settings, run_id, encoder=encoder)
    claimstore.cluster_pending(con, settings, run_id)
    store.finish_run(con, run_id, {})
    con.close()
    return path
