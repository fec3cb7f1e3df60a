"""`claimtrack serve`: the inbox deployment on a real schedule picks up a dropped file, refreshes
the report, and ticks with nothing new write nothing; one run at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from claims import store
from claims.errors import SettingsError
from flows.serve import deployment_parameters, inbox_deployment, parse_interval, schedule_of

ROOT = Path(__file__).resolve().parents[1]

ARTICLE = """Harbor City council approves new ferry terminal

The Harbor City council voted on Tuesday to build a new ferry terminal on the east pier.
"The terminal will carry four thousand passengers a day by 2028," said Mayor Dana Whitfield at a
press conference on the waterfront.
Council members said the project would cost eighty-five million dollars over six years.
"""


def test_parse_interval():  # type: ignore[no-untyped-def]
    assert parse_interval("90") == timedelta(seconds=90)
    assert parse_interval("30s") == timedelta(seconds=30)
    assert parse_interval("10m") == timedelta(minutes=10)
    assert parse_interval("1h") == timedelta(hours=1)
    assert parse_interval("2d") == timedelta(days=2)
    for bad in ("", "ten minutes", "0m", "-5m", "5w"):
        with pytest.raises(SettingsError):
            parse_interval(bad)
    assert schedule_of(None, None) == {"interval": timedelta(minutes=10)}
    assert schedule_of(None, "*/15 * * * *") == {"cron": "*/15 * * * *"}
    with pytest.raises(SettingsError):
        schedule_of("10m", "*/15 * * * *")


def test_deployment_runs_one_at_a_time_over_the_inbox(tmp_path):  # type: ignore[no-untyped-def]
    deployment = inbox_deployment(
        tmp_path / "in",
        tmp_path / "c.duckdb",
        tmp_path / "site",
        interval="10m",
        feeds=["http://127.0.0.1:9/feed.xml"],
    )
    assert deployment.concurrency_limit == 1
    assert deployment.entrypoint == "flows.pipeline.pipeline"
    params = deployment.parameters
    assert params["paths"] == [str((tmp_path / "in").resolve())]
    assert params["command"] == "claimtrack serve" and params["feeds"]
    assert params == deployment_parameters(
        tmp_path / "in", tmp_path / "c.duckdb", tmp_path / "site", ["http://127.0.0.1:9/feed.xml"]
    )


class Lines:
    """Collect a process's output lines on a thread, so the test can wait for one."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        assert proc.stdout is not None
        threading.Thread(target=self._pump, args=(proc.stdout,), daemon=True).start()

    def _pump(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.seen.append(line)

    def wait_for(self, text: str, timeout: float, start: int = 0) -> tuple[int, str]:
        """Return (index, line) of the first line from `start` on containing `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(start, len(self.seen)):
                if text in self.seen[index]:
                    return index, self.seen[index]
            time.sleep(0.2)
        raise AssertionError(f"no line with {text!r} within {timeout} s; last: {self.seen[-20:]}")


def report_text(out: Path) -> str:
    if not (out / "index.html").exists():
        return ""
    return " ".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


@pytest.mark.slow
def test_served_deployment_picks_up_a_dropped_file(tmp_path):  # type: ignore[no-untyped-def]
    inbox, db, out = tmp_path / "inbox", tmp_path / "claims.duckdb", tmp_path / "report"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),  # its own Prefect database
        PREFECT_UI_ENABLED="0",
        PREFECT_RUNNER_POLL_FREQUENCY="1",
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
        HF_HUB_OFFLINE="1",
        PYTHONPATH=str(ROOT),
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "serve",
            "--inbox",
            str(inbox),
            "--db",
            str(db),
            "--out",
            str(out),
            "--interval",
            "3s",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines = Lines(proc)
    try:
        url = lines.wait_for("Prefect UI", 150)[1].rsplit(" ", 1)[1].strip()
        lines.wait_for("Finished in state", 120)  # a tick with an empty inbox
        assert not db.exists()  # ... wrote nothing
        (inbox / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
        deadline = time.monotonic() + 180
        while "ferry terminal" not in report_text(out):
            assert proc.poll() is None, lines.seen[-30:]
            assert time.monotonic() < deadline, lines.seen[-30:]
            time.sleep(0.5)
        # Wait for one more tick, which finds nothing new.
        lines.wait_for("Finished in state Completed", 60, start=len(lines.seen))
        run_from_api = trigger_deployment(url)
        assert run_from_api.state.is_completed()
        con = store.connect(db, read_only=True)
        runs = con.execute("SELECT command, status, flow_run_id, articles_new FROM runs").fetchall()
        con.close()
        # Several ticks, one run row: only the tick that found the file wrote anything.
        assert len(runs) == 1
        command, status, flow_run_id, articles_new = runs[0]
        assert (command, status, articles_new) == ("claimtrack serve", "completed", 1)
        assert flow_run_id
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def trigger_deployment(url: str):  # type: ignore[no-untyped-def]
    """Start a run of the served deployment through the API and wait for it to end."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url.rstrip("/") + "/api"}):
        return run_deployment("claimtrack-pipeline/claimtrack-inbox", timeout=120)
