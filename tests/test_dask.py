"""The Dask scale-out path: embedding batches computed on a 2-worker local cluster, stored by the
flow, give the same database as the plain stages."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from claims.settings import Settings  # noqa: E402
from tests.test_readers_writers import assert_same_store, store_contents  # noqa: E402

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"


def test_batches_cover_every_item_once():  # type: ignore[no-untyped-def]
    from flows.pipeline import batches

    assert batches(0) == []
    for n in (1, 31, 32, 33, 142, 10_000):
        cuts = batches(n)
        assert cuts[0][0] == 0 and cuts[-1][1] == n
        assert all(a < b for a, b in cuts)
        assert all(cuts[i][1] == cuts[i + 1][0] for i in range(len(cuts) - 1))
    assert len(batches(142)) > 1  # more than one batch, so more than one worker gets work


@pytest.mark.slow
def test_dask_path_gives_the_same_database(claims_db, tmp_path):  # type: ignore[no-untyped-def]
    from distributed import Client, LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    from flows.runner import run_pipeline

    db, out = tmp_path / "claims.duckdb", tmp_path / "report"
    with (
        prefect_test_harness(server_startup_timeout=120),
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
    ):
        summary = run_pipeline(
            [SEEDS_DIR],
            db,
            out,
            Settings(db=db, report_dir=out),
            dask_address=cluster.scheduler_address,
        )
        with Client(cluster) as client:
            loaded = client.run(lambda: "claims.embed" in sys.modules)
    assert summary["embed_batches"] > 1 and summary["texts_embedded"] > 0
    # Both workers computed batches (the model was imported in each worker process) ...
    assert len(loaded) == 2 and all(loaded.values())
    # ... while the flow process stayed the only writer.
    assert_same_store(store_contents(db), store_contents(claims_db))
