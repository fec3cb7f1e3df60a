"""How `claimtrack run` executes the pipeline flow: quickly, and with every stage a Prefect task.

With `PREFECT_API_URL` configured (environment or Prefect profile) the flow reports to that server.
Otherwise a temporary local Prefect server is needed, and starting one costs 5-15 s on a 2-core
machine, which Prefect would spend *before* the first task. This module starts that server itself
as the very first thing (before Prefect, torch and the model are even imported), does the
import-and-model-loading work while the server boots, and only then runs the flow against it —
so a one-shot run pays max(server start, warm-up) instead of their sum. The server is the one
Prefect itself would start (same app, same database under PREFECT_HOME), so the runs are there to
inspect later with `prefect server start`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claims.errors import TransientError
from claims.settings import Settings

log = logging.getLogger("claims.flows")

DEFAULT_STARTUP_TIMEOUT = 120.0

ENV_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # Prefect's default (20 s) is too short for a temporary server on a loaded 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(int(DEFAULT_STARTUP_TIMEOUT)),
    # The library logs through `logging`; attaching its loggers shows those lines in the UI.
    "PREFECT_LOGGING_EXTRA_LOGGERS": "claims,reports",
    # Library code also logs outside flow runs (e.g. called directly): no warning for that.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def apply_env_defaults() -> None:
    """Set each default the user has not set; must run before `prefect` is first imported."""
    for name, value in ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)


apply_env_defaults()


def configured_api_url() -> str | None:
    """Return the Prefect API URL already configured (environment, profile, test harness)."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url
    if "prefect.settings" not in sys.modules:
        return None  # not imported yet: the caller decides early, and asks again after warm-up
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the server child: ask Linux to SIGTERM it when its parent dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


class TemporaryServer:
    """A Prefect server in a child process, for the length of one run or one `serve`.

    `ephemeral=True` is what Prefect itself starts when no API URL is set: API only, no UI, no
    scheduler. `ephemeral=False` is a full `prefect server start` (UI, scheduler) for `serve`.
    """

    def __init__(self, port: int | None = None, ephemeral: bool = True) -> None:
        self.port = port or free_port()
        self.ephemeral = ephemeral
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.address}/api"

    def start(self) -> None:
        """Launch the server process and return at once (see `wait_ready`)."""
        env = dict(os.environ)
        if self.ephemeral:
            # The same switches Prefect's own temporary server sets: API only, no UI.
            env.update(
                PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1"
            )
        else:  # what `prefect server start --background` sets
            env.update(PREFECT__SERVER_FINAL="1", PREFECT_UI_API_URL=self.api_url)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C in the terminal reaches us, not the server first
            preexec_fn=_die_with_parent,
        )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def wait_ready(self, timeout: float) -> float:
        """Return the seconds waited until the server answers; raise TransientError on timeout."""
        started = time.perf_counter()
        while not self.healthy():
            assert self.process is not None
            if self.process.poll() is not None:
                raise TransientError(
                    f"the temporary Prefect server exited with code {self.process.returncode}"
                )
            if time.perf_counter() - started > timeout:
                raise TransientError(
                    f"the temporary Prefect server did not start within {timeout:.0f} s "
                    "(raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or set "
                    "PREFECT_API_URL to a running `prefect server start`)"
                )
            time.sleep(0.1)
        return time.perf_counter() - started

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def startup_timeout() -> float:
    value = os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS")
    return float(value) if value else DEFAULT_STARTUP_TIMEOUT


class RunningServer(TemporaryServer):
    """A server someone else started (`prefect server start --background`): used, never stopped."""

    def __init__(self, api_url: str) -> None:
        super().__init__(port=1)
        self._api_url = api_url

    @property
    def api_url(self) -> str:
        return self._api_url

    def wait_ready(self, timeout: float) -> float:
        return 0.0

    def stop(self) -> None:
        pass


def background_server_url() -> str | None:
    """Return the API URL of this machine's `prefect server start --background`, if it is up.

    Prefect records that server's pid in PREFECT_HOME/server.pid; it listens on
    PREFECT_SERVER_API_HOST:PREFECT_SERVER_API_PORT (default 127.0.0.1:4200).
    """
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    if not (home / "server.pid").exists():
        return None
    host = os.environ.get("PREFECT_SERVER_API_HOST") or "127.0.0.1"
    port = os.environ.get("PREFECT_SERVER_API_PORT") or "4200"
    url = f"http://{host}:{port}/api"
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return url if response.status == 200 else None
    except OSError:
        return None


@contextmanager
def prefect_api(timings: dict[str, float]) -> Iterator[TemporaryServer | None]:
    """Yield a temporary server already booting (None when an API URL is configured).

    Start it before anything heavy is imported; the caller warms up, then calls `wait_ready`.
    A running `prefect server start --background` is used instead of starting one.
    """
    if configured_api_url():
        yield None
        return
    url = background_server_url()
    if url:
        timings["background_server"] = 1
        yield RunningServer(url)
        return
    server = TemporaryServer()
    server.start()
    try:
        yield server
    finally:
        started = time.perf_counter()
        server.stop()
        timings["server_stop_s"] = round(time.perf_counter() - started, 2)


def warm_up(settings: Settings, load_model: bool) -> None:
    """Import the flow and its stages, and load the encoder when this process will embed."""
    import flows.pipeline  # noqa: F401  (imports prefect)
    import reports.render  # noqa: F401

    if load_model:
        import claims.ingest  # noqa: F401
        from claims.embed import get_encoder

        get_encoder(settings)


def run_pipeline(
    paths: Sequence[Path | str],
    db: Path | str,
    out: Path | str,
    settings: Settings | None = None,
    dask_address: str | None = None,
    progress: Any = None,
    always_orchestrate: bool = False,
) -> dict[str, Any]:
    """Return the run summary after running the `pipeline` flow once (every stage a Prefect task).

    When no file under `paths` is new and no earlier run was interrupted, nothing is written and
    no flow run is started (`orchestrated: False`) unless `always_orchestrate`.

    `progress(stage, done, total)` is called from the stages; by default a rich progress bar is
    drawn on stderr when it is a terminal. `timings` in the summary shows where the time went.
    """
    settings = settings or Settings(db=Path(db), report_dir=Path(out))
    dask_address = dask_address or settings.dask_address
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    from claims import inbox

    pending, _files = inbox.has_work(Path(db), [Path(p) for p in paths])
    if not pending and not always_orchestrate:
        # Nothing to ingest and no interrupted work: the flow would only find that out, after
        # 5-15 s of starting Prefect. Scheduled runs (serve) always run the flow.
        summary = {"nothing_new": True, "orchestrated": False}
        summary.update(render_missing_report(Path(db), Path(out)))
        summary["timings"] = {"total_s": round(time.perf_counter() - t0, 2)}
        return summary
    with prefect_api(timings) as server:
        t1 = time.perf_counter()
        warm_up(settings, pending and not dask_address)  # with Dask, workers load the model
        timings["warm_up_s"] = round(time.perf_counter() - t1, 2)
        if server is not None and configured_api_url():
            server.stop()  # the Prefect profile names a server: report to it instead
            server = None
        if server is not None:
            timings["server_wait_s"] = round(server.wait_ready(startup_timeout()), 2)
        summary = _run_flow(paths, db, out, settings, dask_address, progress, server, timings)
    timings["total_s"] = round(time.perf_counter() - t0, 2)
    summary["timings"] = timings
    return summary


def render_missing_report(db: Path, out: Path) -> dict[str, Any]:
    """Return report counts after rendering it, if the store exists and the report does not."""
    if not db.exists() or (out / "index.html").exists():
        return {}
    from reports.render import render_site

    summary = render_site(db, out)
    return {"report_pages": summary.pages, "report": str(summary.index)}


def _run_flow(
    paths: Sequence[Path | str],
    db: Path | str,
    out: Path | str,
    settings: Settings,
    dask_address: str | None,
    progress: Any,
    server: TemporaryServer | None,
    timings: dict[str, float],
) -> dict[str, Any]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.pipeline import pipeline, progress_hook

    updates = {PREFECT_API_URL: server.api_url} if server is not None else {}
    t = time.perf_counter()
    try:
        with (
            temporary_settings(updates=updates),
            drained(server),
            progress_display(progress) as callback,
            progress_hook(callback),
        ):
            summary = pipeline(
                paths=[str(p) for p in paths],
                db=str(db),
                out=str(out),
                settings=settings.model_dump(mode="json", exclude={"db", "report_dir"}),
                dask_address=dask_address,
            )
    finally:
        timings["flow_s"] = round(time.perf_counter() - t, 2)
    return dict(summary)


@contextmanager
def drained(server: TemporaryServer | None) -> Iterator[None]:
    """Flush the run's logs and events to the API before a temporary server goes away."""
    try:
        yield
    finally:
        if server is not None and not isinstance(server, RunningServer):
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            for drain in (APILogWorker.drain_all, EventsWorker.drain_all):
                try:
                    drain(timeout=10)
                except Exception:  # a lost log line must not fail a finished run
                    log.debug("could not drain Prefect workers", exc_info=True)


@contextmanager
def progress_display(progress: Any) -> Iterator[Any]:
    """Yield the stage callback: the caller's, a rich bar on a terminal, or None."""
    if progress is not None or not sys.stderr.isatty():
        yield progress
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
