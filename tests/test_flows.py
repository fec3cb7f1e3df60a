"""The Prefect pipeline flow: every stage a task, run ids recorded, nothing-new runs write nothing,
terminal errors skipped, transient ones retried, a killed run's work completed, the inbox rules."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from claims import inbox, publish, store  # noqa: E402
from claims.errors import TerminalError, TransientError  # noqa: E402
from claims.settings import Settings  # noqa: E402

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))

FERRY = """Harbor City council approves new ferry terminal

The Harbor City council voted on Tuesday to build a new ferry terminal on the east pier.
"The terminal will carry four thousand passengers a day by 2028," said Mayor Dana Whitfield at a
press conference on the waterfront.
Council members said the project would cost eighty-five million dollars over six years.
Critics from the Harbor Taxpayers Union said the budget was unrealistic and the timeline would slip.
"""


@pytest.fixture(scope="module")
def prefect_api():  # type: ignore[no-untyped-def]
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def fingerprint(*paths: Path) -> dict[str, tuple[int, int, str]]:
    """Return (size, mtime_ns, sha256) of every file under `paths`."""
    out = {}
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            st = f.stat()
            out[str(f)] = (st.st_size, st.st_mtime_ns, hashlib.sha256(f.read_bytes()).hexdigest())
    return out


def run(paths, db, out, **kwargs):  # type: ignore[no-untyped-def]
    from flows.runner import run_pipeline

    return run_pipeline(paths, db, out, Settings(db=db, report_dir=out), **kwargs)


@pytest.fixture(scope="module")
def first_run(prefect_api, encoder, tmp_path_factory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("flow")
    box = base / "inbox"
    box.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, box / seed.name)
    shutil.copy(SEEDS[0].parent / "metadata.yaml", box / "metadata.yaml")
    db, out = base / "claims.duckdb", base / "report"
    summary = run([box], db, out)
    return base, box, db, out, summary


@pytest.mark.slow
def test_flow_runs_every_stage_as_a_task_and_records_the_flow_run(first_run):  # type: ignore[no-untyped-def]
    from prefect import get_client

    _, _, db, out, summary = first_run
    assert summary["articles_new"] == len(SEEDS)
    assert summary["texts_embedded"] > 0 and summary["new_claims"] > 0
    assert (out / "index.html").exists()
    con = store.connect(db, read_only=True)
    ((flow_run_id, status, articles_new),) = con.execute(
        "SELECT flow_run_id, status, articles_new FROM runs"
    ).fetchall()
    con.close()
    assert status == "completed" and articles_new == len(SEEDS)
    assert not publish.has_pending_work(db)
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
        )
        messages = flow_run_logs(client, flow_run.id)
    assert flow_run.state.is_completed()
    # The library's own log lines (through `logging`) are in the run's logs in the UI.
    assert any(m.startswith("ingest: 5 new") for m in messages), messages
    names = {t.name.rsplit("-", 1)[0] for t in task_runs}
    assert {
        "plan",
        "open-store",
        "ingest",
        "attribute",
        "embed",
        "cluster",
        "publish",
        "report",
    } <= names
    # One task per stage per batch, never per article or sentence.
    assert len(task_runs) == len(names)


def flow_run_logs(client, flow_run_id):  # type: ignore[no-untyped-def]
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    return [log.message for log in logs]


@pytest.mark.slow
def test_second_run_with_nothing_new_writes_nothing(first_run):  # type: ignore[no-untyped-def]
    base, box, db, out, _ = first_run
    renamed = box / "renamed-copy.txt"
    shutil.copy(SEEDS[1], renamed)  # same bytes, new name: not new
    before = fingerprint(base)
    quick = run([box], db, out)  # `claimtrack run`: sees there is nothing to do, starts no flow
    flow = run([box], db, out, always_orchestrate=True)  # what every scheduled tick does
    renamed.unlink()
    assert quick == {"nothing_new": True, "orchestrated": False, "timings": quick["timings"]}
    assert flow["nothing_new"] is True and "articles_new" not in flow
    after = fingerprint(base)
    for changed in (renamed, inbox.hash_cache_path(db)):  # the new name, and the scan cache
        after.pop(str(changed), None)
        before.pop(str(changed), None)
    assert after == before


@pytest.mark.slow
def test_new_file_and_malformed_file(first_run, tmp_path):  # type: ignore[no-untyped-def]
    base, box, db, out, _ = first_run
    (box / "ferry.txt").write_text(FERRY, encoding="utf-8")
    (box / "broken.json").write_text("{not json", encoding="utf-8")
    summary = run([box], db, out)
    assert summary["articles_new"] == 1 and summary["articles_rejected"] == 1
    assert summary["files_remembered_rejected"] == 1
    report = " ".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "ferry terminal" in report
    con = store.connect(db, read_only=True)
    errors = con.execute("SELECT source_path FROM ingest_errors").fetchall()
    statuses = con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    con.close()
    assert [Path(e[0]).name for e in errors] == ["broken.json"]
    assert statuses == [("completed",), ("completed",)]
    # The malformed file is not retried on the next tick.
    assert inbox.new_files_in_published(db, [box]) == []
    (box / "ferry.txt").unlink()
    (box / "broken.json").unlink()


@pytest.mark.slow
def test_interrupted_work_is_completed_by_the_next_run(first_run, tmp_path):  # type: ignore[no-untyped-def]
    """A run that stopped after ingest (working file dirty, never published) is finished."""
    from claims.pipeline import ingest_stage

    base, box, db, out, _ = first_run
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "ferry2.txt").write_text(FERRY.replace("Harbor City", "Bay Town"), encoding="utf-8")
    with publish.write_lock(db):
        con = publish.open_working_copy(db)
        run_id = store.start_run(con, "killed")
        ingest_stage(con, [extra / "ferry2.txt"], run_id, Settings())
        con.close()  # no publish: as if killed here
    assert publish.has_pending_work(db)
    (extra / "ferry2.txt").unlink()  # nothing new on disk: only the pending work
    summary = run([box], db, out)
    assert "nothing_new" not in summary and summary["texts_embedded"] > 0
    con = store.connect(db, read_only=True)
    status = dict(con.execute("SELECT command, status FROM runs").fetchall())
    unembedded = con.execute(
        "SELECT count(*) FROM store.mentions m WHERE NOT EXISTS "
        "(SELECT 1 FROM store.embeddings e WHERE e.text_hash = m.text_hash)"
    ).fetchall()[0][0]
    con.close()
    assert status["killed"] == "interrupted"
    assert unembedded == 0
    assert not publish.has_pending_work(db)


def test_retry_only_transient_errors(prefect_api):  # type: ignore[no-untyped-def]
    from prefect import flow, task

    from flows.pipeline import STAGE

    calls = {"transient": 0, "terminal": 0}

    @task(**{**STAGE, "retry_delay_seconds": 0})
    def flaky(kind: str) -> str:
        calls[kind] += 1
        if kind == "transient" and calls[kind] < 2:
            raise TransientError("database busy")
        if kind == "terminal":
            raise TerminalError("malformed article")
        return "ok"

    @flow
    def both() -> tuple[str, bool]:
        terminal = flaky("terminal", return_state=True)
        return flaky("transient"), terminal.is_failed()

    assert both() == ("ok", True)
    assert calls == {"transient": 2, "terminal": 1}


def test_inbox_skips_renamed_and_resaved_files(tmp_path):  # type: ignore[no-untyped-def]
    from claims.pipeline import ingest_stage

    box = tmp_path / "box"
    box.mkdir()
    (box / "a.txt").write_text(FERRY, encoding="utf-8")
    db = tmp_path / "c.duckdb"
    assert inbox.new_files_in_published(db, [box]) == [box / "a.txt"]
    with publish.writer(db) as con:
        ingest_stage(con, [box / "a.txt"], store.start_run(con, "t"), Settings())
    os.rename(box / "a.txt", box / "renamed.txt")
    (box / "copy.txt").write_bytes((box / "renamed.txt").read_bytes())
    assert inbox.new_files_in_published(db, [box]) == []
    (box / "renamed.txt").write_text(FERRY + "\nA correction was appended.\n", encoding="utf-8")
    assert inbox.new_files_in_published(db, [box]) == [box / "renamed.txt"]
    assert inbox.has_work(db, [box]) == (True, [box / "renamed.txt"])


def test_scan_cache_rereads_only_changed_files(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    box, cache = tmp_path / "box", tmp_path / "hashes.json"
    box.mkdir()
    for i in range(3):
        (box / f"{i}.txt").write_text(f"article {i}", encoding="utf-8")
    first = inbox.scan([box], cache)
    read: list[Path] = []
    real = inbox.file_hash
    monkeypatch.setattr(inbox, "file_hash", lambda p: read.append(p) or real(p))
    assert inbox.scan([box], cache) == first and read == []
    (box / "1.txt").write_text("article 1, corrected", encoding="utf-8")
    os.utime(box / "1.txt", ns=(1, 1))  # a changed mtime, whatever the clock did
    again = inbox.scan([box], cache)
    assert read == [box / "1.txt"] and again[box / "1.txt"] != first[box / "1.txt"]


def test_a_background_prefect_server_is_found(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from flows.runner import background_server_url

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200 if self.path == "/api/health" else 404)
            self.end_headers()
            self.wfile.write(b"true")

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.setenv("PREFECT_SERVER_API_PORT", str(server.server_address[1]))
    try:
        assert background_server_url() is None  # no `prefect server start --background` here
        (tmp_path / "server.pid").write_text("12345")
        assert background_server_url() == f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()
