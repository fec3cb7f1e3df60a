"""`claimtrack run --direct`: the Prefect flow's stages, called without an orchestrator."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claims import publish, store
from claims.pipeline import run_stages
from claims.settings import Settings


def run_direct(paths: Sequence[Path], settings: Settings) -> dict[str, Any]:
    """Return run counts after running every stage, publishing, and rendering the report."""
    from reports.render import render_site

    with publish.writer(settings.db) as con:
        run_id = store.start_run(con, "claimtrack run --direct")
        try:
            counts = run_stages(con, paths, run_id, settings)
        except Exception as exc:
            store.finish_run(con, run_id, {}, status="failed", error=str(exc))
            raise
        store.finish_run(con, run_id, counts)
    render_site(settings.db, settings.report_dir)
    return counts
