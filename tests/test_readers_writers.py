"""One writer, many readers, with real processes: readers of the published database neither block
a run nor see half of one; a writer killed with SIGKILL leaves work the next run completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from claims import publish, store
from claims.errors import StoreBusyError
from claims.pipeline import run_stages
from claims.settings import Settings

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
ROOT = Path(__file__).resolve().parents[1]

# A writer process: the pipeline stages through claims.publish (the flow's write path), telling
# the test after each stage and optionally stopping there to be killed.
WRITER = """
import sys, time
from pathlib import Path
from claims import publish, store
from claims.pipeline import ingest_stage, attribute_stage, embed_stage, cluster_stage
from claims.settings import Settings

db, stop, ready, only = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4]
files = [Path(p) for p in sys.argv[5:]]
settings = Settings(db=db)
with publish.writer(db, timeout=60) as con:
    run_id = store.start_run(con, "writer " + stop)
    for name, call in [
        ("ingest", lambda: ingest_stage(con, files, run_id, settings)),
        ("attribute", lambda: attribute_stage(con, run_id)),
        ("embed", lambda: embed_stage(con, settings, run_id)),
        ("cluster", lambda: cluster_stage(con, settings, run_id)),
    ]:
        if only and name not in only.split(","):
            continue
        call()
        ready.write_text(name)
        if name == stop:
            time.sleep(600)
    store.finish_run(con, run_id, {})
"""

# A reader process: counts rows in the public views until told to stop. `hold` keeps one
# read-only connection open throughout; otherwise it reconnects for every look.
READER = """
import sys, time
from pathlib import Path
import duckdb

db, log, stop, hold = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "hold"
QUERY = ("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sentences), "
         "(SELECT count(*) FROM claim_mentions), (SELECT count(*) FROM runs)")
con = duckdb.connect(db, read_only=True) if hold else None
with open(log, "w") as out:
    while not stop.exists():
        c = con or duckdb.connect(db, read_only=True)
        out.write(f"{time.time()} {' '.join(map(str, c.execute(QUERY).fetchall()[0]))}\\n")
        out.flush()
        if not hold:
            c.close()
        time.sleep(0.1)
"""


def python(script: Path, *args: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(script), *map(str, args)], env=env, cwd=ROOT)


def counts(db: Path) -> tuple[int, ...]:
    con = store.connect(db, read_only=True)
    try:
        row = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sentences), "
            "(SELECT count(*) FROM claim_mentions), (SELECT count(*) FROM runs)"
        ).fetchall()[0]
    finally:
        con.close()
    return tuple(int(v) for v in row)


def observations(log: Path) -> list[tuple[float, tuple[int, ...]]]:
    rows = [line.split() for line in log.read_text().splitlines() if line.strip()]
    return [(float(r[0]), tuple(int(v) for v in r[1:])) for r in rows]


def store_contents(db: Path) -> dict[str, Any]:
    """Return the run-independent content of a store: ids, texts, decisions, claim partition."""
    con = store.connect(db, read_only=True)
    queries = {
        "articles": "SELECT article_id, outlet, title, clean_text FROM store.articles",
        "sentences": "SELECT sentence_id, article_id, position, text FROM store.sentences",
        "dropped": "SELECT article_id, line_no, rule FROM store.dropped_lines",
        "sources": "SELECT content_hash, source_path FROM store.source_files",
        "attributions": "SELECT sentence_id, kind, speaker, cue, rule FROM store.attributions",
        "mentions": "SELECT mention_id, sentence_id, kind, text_hash FROM store.mentions",
        "embedded": "SELECT model, text_hash FROM store.embeddings",
        "errors": "SELECT source_path, reason FROM store.ingest_errors",
    }
    try:
        out: dict[str, Any] = {k: sorted(con.execute(q).fetchall()) for k, q in queries.items()}
        members = con.execute("SELECT claim_id, mention_id FROM store.claim_members").fetchall()
        vectors = con.execute("SELECT text_hash, vector FROM store.embeddings").fetchall()
    finally:
        con.close()
    groups: dict[str, set[str]] = {}
    for claim_id, mention_id in members:
        groups.setdefault(claim_id, set()).add(mention_id)
    out["claims"] = sorted(sorted(g) for g in groups.values())
    out["vectors"] = dict(vectors)
    return out


def assert_same_store(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Assert two stores hold the same rows and claims, and vectors that match closely.

    Under bfloat16 a text's vector depends slightly on the batch it was encoded in (padding
    changes the rounding), so vectors are compared by cosine, not element by element.
    """
    import numpy as np

    va, vb = a.pop("vectors"), b.pop("vectors")
    assert a == b
    assert va.keys() == vb.keys()
    for key in va:
        x, y = np.asarray(va[key]), np.asarray(vb[key])
        assert float(x @ y) / float(np.linalg.norm(x) * np.linalg.norm(y)) > 0.9995, key


def build(db: Path, files: list[Path], encoder: Any) -> None:
    """Run every stage in this process through the publishing writer."""
    with publish.writer(db, timeout=60) as con:
        run_id = store.start_run(con, "in-process")
        run_stages(con, files, run_id, Settings(db=db), encoder=encoder)
        store.finish_run(con, run_id, {})


@pytest.fixture
def scripts(tmp_path: Path) -> tuple[Path, Path]:
    writer, reader = tmp_path / "writer.py", tmp_path / "reader.py"
    writer.write_text(WRITER)
    reader.write_text(READER)
    return writer, reader


@pytest.mark.slow
def test_readers_are_not_blocked_and_never_see_a_partial_run(tmp_path, scripts, encoder):  # type: ignore[no-untyped-def]
    writer, reader = scripts
    db = tmp_path / "claims.duckdb"
    build(db, SEEDS[:2], encoder)
    before = counts(db)
    stop = tmp_path / "stop"
    held = python(reader, db, tmp_path / "held.log", stop, "hold")
    fresh = python(reader, db, tmp_path / "fresh.log", stop, "reconnect")
    while not (tmp_path / "held.log").exists() or not (tmp_path / "held.log").stat().st_size:
        time.sleep(0.05)
    started = time.time()
    # Ingest and attribute write in several transactions (no model needed in the child).
    run = python(writer, db, "", tmp_path / "ready", "ingest,attribute", *SEEDS[2:])
    assert run.wait(timeout=180) == 0  # not blocked by the open readers
    finished = time.time()
    time.sleep(1.0)
    stop.touch()
    assert held.wait(timeout=30) == 0 and fresh.wait(timeout=30) == 0
    after = counts(db)
    assert after[0] == len(SEEDS) and after[1] > before[1] and after[3] == before[3] + 1
    held_seen = observations(tmp_path / "held.log")
    fresh_seen = observations(tmp_path / "fresh.log")
    # The held connection lived through the whole run and kept its consistent snapshot.
    assert held_seen[0][0] < started and held_seen[-1][0] > finished
    assert {c for _, c in held_seen} == {before}
    # Reconnecting readers see the old snapshot or the new one, never anything in between.
    assert {c for _, c in fresh_seen} <= {before, after}
    assert fresh_seen[-1][1] == after


def test_a_second_writer_waits_or_gives_up_with_a_transient_error(tmp_path):  # type: ignore[no-untyped-def]
    db = tmp_path / "claims.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from claims import publish\n"
            "with publish.write_lock(Path(sys.argv[1])):\n"
            "    print('locked', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        with pytest.raises(StoreBusyError) as info, publish.writer(db, timeout=0.5):
            pass
        assert info.value.transient
    finally:
        holder.kill()
        holder.wait()
    with publish.writer(db, timeout=5) as con:  # the lock dies with its process
        store.start_run(con, "after")
    assert counts(db)[3] == 1


@pytest.mark.slow
def test_runs_killed_midway_are_completed_by_the_next_without_duplicates(
    tmp_path, scripts, encoder
):  # type: ignore[no-untyped-def]
    writer, reader = scripts
    reference = tmp_path / "reference" / "claims.duckdb"
    build(reference, SEEDS, encoder)
    db = tmp_path / "claims.duckdb"
    for stop in ("ingest", "embed"):
        ready = tmp_path / f"ready-{stop}"
        proc = python(writer, db, stop, ready, "", *SEEDS)
        deadline = time.time() + 180
        while not (ready.exists() and ready.read_text() == stop):
            assert proc.poll() is None and time.time() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert publish.has_pending_work(db)
        assert not db.exists()  # nothing was ever published: readers see no half-run
    build(db, SEEDS, encoder)
    assert not publish.has_pending_work(db)
    assert_same_store(store_contents(db), store_contents(reference))
    con = store.connect(db, read_only=True)
    runs = con.execute("SELECT command, status FROM runs ORDER BY started_at").fetchall()
    con.close()
    assert runs == [
        ("writer ingest", "interrupted"),
        ("writer embed", "interrupted"),
        ("in-process", "completed"),
    ]


def test_publish_replaces_the_snapshot_atomically_and_drops_a_stale_wal(tmp_path):  # type: ignore[no-untyped-def]
    db = tmp_path / "claims.duckdb"
    with publish.writer(db) as con:
        store.start_run(con, "one")
    reader = store.connect(db, read_only=True)  # an open reader keeps the old file
    stale = db.with_name(db.name + ".wal")
    stale.write_bytes(b"left by a read-write session on the old snapshot")
    with publish.writer(db) as con:
        store.start_run(con, "two")
    assert reader.execute("SELECT count(*) FROM runs").fetchall()[0][0] == 1
    reader.close()
    assert not stale.exists()
    assert counts(db)[3] == 2
