"""`claimtrack serve`: the pipeline as a Prefect deployment on a schedule, watching an inbox.

Each scheduled run ingests only files whose bytes the store has not seen (claims.inbox), after
fetching new feed items into the inbox (claims.feeds). The deployment allows one run at a time
(concurrency limit 1, further runs wait), and the store's writer lock keeps `claimtrack run` and
`ingest` from writing at the same moment.

Schedules need a Prefect server with its scheduler: the one in PREFECT_API_URL (e.g. from
`prefect server start`), or else a full local server this command starts and stops itself.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from claims.errors import SettingsError
from claims.settings import Settings
from flows.runner import TemporaryServer, apply_env_defaults, configured_api_url, startup_timeout

log = logging.getLogger("claims.flows")

DEPLOYMENT_NAME = "claimtrack-inbox"
DEFAULT_INTERVAL = timedelta(minutes=10)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)


def parse_interval(text: str) -> timedelta:
    """Return the interval written as `90`, `30s`, `10m`, `1h` or `1d` (bare numbers: seconds)."""
    match = _INTERVAL.match(text)
    if not match:
        raise SettingsError(f"interval must look like 30s, 10m, 1h or 1d, got {text!r}")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise SettingsError(f"interval must be positive, got {text!r}")
    return timedelta(seconds=seconds)


def schedule_of(interval: str | timedelta | None, cron: str | None) -> dict[str, Any]:
    """Return the to_deployment schedule arguments (interval or cron; default every 10 minutes)."""
    if interval is not None and cron is not None:
        raise SettingsError("give --interval or --cron, not both")
    if cron is not None:
        return {"cron": cron}
    if isinstance(interval, str):
        interval = parse_interval(interval)
    return {"interval": interval or DEFAULT_INTERVAL}


def deployment_parameters(
    inbox: Path,
    db: Path,
    out: Path,
    feeds: Sequence[str] = (),
    settings: Settings | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Return the pipeline flow's parameters for runs over the inbox (absolute paths)."""
    overrides = settings.model_dump(mode="json", exclude={"db", "report_dir"}) if settings else {}
    return {
        "paths": [str(inbox.resolve())],
        "db": str(db.resolve()),
        "out": str(out.resolve()),
        "settings": overrides,
        "command": "claimtrack serve",
        "feeds": list(feeds),
        "inbox_dir": str(inbox.resolve()),
        "dask_address": dask_address,
    }


def inbox_deployment(
    inbox: Path,
    db: Path,
    out: Path,
    interval: str | timedelta | None = None,
    cron: str | None = None,
    feeds: Sequence[str] = (),
    settings: Settings | None = None,
    dask_address: str | None = None,
    name: str = DEPLOYMENT_NAME,
) -> Any:
    """Return the RunnerDeployment: the pipeline on a schedule, one run at a time."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.types.entrypoint import EntrypointType

    from flows.pipeline import pipeline

    return pipeline.to_deployment(
        name=name,
        **schedule_of(interval, cron),
        parameters=deployment_parameters(inbox, db, out, feeds, settings, dask_address),
        # A run that starts while another writes would only wait for the lock: queue it instead.
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
        ),
        description=f"Ingest new articles from {inbox} into {db} and refresh the report.",
        tags=["claimtrack"],
        # The runner imports `flows.pipeline` (installed), whatever directory serve ran from.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


@contextmanager
def scheduling_server() -> Iterator[str]:
    """Yield the API URL to serve against: the configured one, or a full local server's."""
    url = configured_api_url()
    if url:
        yield url
        return
    server = TemporaryServer(ephemeral=False)
    server.start()
    try:
        server.wait_ready(startup_timeout())
        print(f"Prefect UI (local server for this serve): {server.address}", flush=True)
        os.environ["PREFECT_API_URL"] = server.api_url  # runs started by the runner inherit it
        yield server.api_url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def serve_inbox(
    inbox: Path | str,
    db: Path | str,
    out: Path | str,
    interval: str | timedelta | None = None,
    cron: str | None = None,
    feeds: Sequence[str] = (),
    settings: Settings | None = None,
    dask_address: str | None = None,
) -> None:
    """Serve the inbox deployment until interrupted (Ctrl-C); runs appear in the Prefect UI."""
    apply_env_defaults()
    inbox, db, out = Path(inbox), Path(db), Path(out)
    inbox.mkdir(parents=True, exist_ok=True)
    dask_address = dask_address or (settings.dask_address if settings else None)
    schedule_of(interval, cron)  # reject a bad schedule before starting anything
    with scheduling_server() as url:
        from prefect import serve
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: url}):
            deployment = inbox_deployment(
                inbox, db, out, interval, cron, feeds, settings, dask_address
            )
            log.info(
                "serving %s: inbox %s, database %s, report %s", DEPLOYMENT_NAME, inbox, db, out
            )
            serve(deployment, limit=1)
