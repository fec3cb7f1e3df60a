"""The pipeline's stages as plain functions over an open store connection.

Each stage handles a whole batch and returns a small dict of counts; the Prefect flows in `flows/`
wrap exactly these functions, and `run_stages` chains them for direct (no-orchestrator) use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .settings import Settings
from .store import Connection

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def ingest_stage(
    con: Connection,
    paths: Sequence[Path],
    run_id: str,
    settings: Settings,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Return ingest counts after storing every readable article under `paths`."""
    from .ingest import ingest_paths

    summary = ingest_paths(con, [Path(p) for p in paths], run_id, settings, progress=progress)
    return summary.model_dump()


def attribute_stage(con: Connection, run_id: str) -> dict[str, Any]:
    """Return how many sentences were attributed."""
    from .attribution.store import attribute_pending

    return {"sentences_attributed": attribute_pending(con, run_id)}


def embed_stage(
    con: Connection, settings: Settings, run_id: str, encoder: Any = None
) -> dict[str, Any]:
    """Return how many new texts were embedded (mentions are derived first)."""
    from .claimstore import embed_pending

    return {"texts_embedded": embed_pending(con, settings, run_id, encoder=encoder)}


def cluster_stage(con: Connection, settings: Settings, run_id: str) -> dict[str, Any]:
    """Return clustering counts: new claims, mentions that joined existing claims."""
    from .claimstore import cluster_pending

    summary = cluster_pending(con, settings, run_id)
    return summary.model_dump() if hasattr(summary, "model_dump") else dict(summary)


def run_stages(
    con: Connection,
    paths: Sequence[Path],
    run_id: str,
    settings: Settings,
    encoder: Any = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Return the merged counts of ingest → attribute → embed → cluster on one connection."""
    counts: dict[str, Any] = {}
    counts.update(ingest_stage(con, paths, run_id, settings, progress=progress))
    counts.update(attribute_stage(con, run_id))
    counts.update(embed_stage(con, settings, run_id, encoder=encoder))
    counts.update(cluster_stage(con, settings, run_id))
    return counts
