"""One writer, many readers: the pipeline writes a working file and publishes a read-only snapshot.

Readers (people in the DuckDB CLI, the report) open the published file read-only. A run takes an
exclusive lock, writes `.<name>.work` beside it, and publishes by copy + atomic rename, so a
reader never blocks a run and never sees a half-finished one.

Crash safety: the working file is a DuckDB database (every committed transaction survives a
kill), and a `.<name>.dirty` marker exists from the moment a writer opens it until a publish
succeeds. A killed run therefore leaves a marker; the next run sees it (`has_pending_work`), marks
the dead run `interrupted`, finishes the pending stages (they all work on "what is not done yet")
and publishes.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import store
from .errors import StoreBusyError

log = logging.getLogger(__name__)

# How often a waiting writer retries the lock, and how long `writer` waits by default: a
# scheduled run usually finishes within it, so `claimtrack ingest` during one just waits.
_LOCK_POLL_SECONDS = 0.2
DEFAULT_LOCK_TIMEOUT = 60.0


def working_path(db_path: Path) -> Path:
    """Return the private working file the writer uses for `db_path`."""
    return db_path.with_name(f".{db_path.name}.work")


def lock_path(db_path: Path) -> Path:
    """Return the lock file that serialises writers of `db_path`."""
    return db_path.with_name(f".{db_path.name}.lock")


def dirty_path(db_path: Path) -> Path:
    """Return the marker that says the working file has changes not yet published."""
    return db_path.with_name(f".{db_path.name}.dirty")


def has_pending_work(db_path: Path | str) -> bool:
    """Return whether a writer opened the working file and has not published since (e.g. killed)."""
    return dirty_path(Path(db_path)).exists()


def _try_lock(handle: object, db_path: Path, deadline: float | None) -> None:
    """Take the flock, polling until `deadline` (None: one attempt)."""
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[arg-type]
            return
        except BlockingIOError as exc:
            if deadline is None or time.monotonic() >= deadline:
                raise StoreBusyError(
                    "another claimtrack run is writing this store", path=db_path
                ) from exc
        time.sleep(_LOCK_POLL_SECONDS)


@contextmanager
def write_lock(db_path: Path, wait: bool = False, timeout: float | None = None) -> Iterator[None]:
    """Hold the store's exclusive writer lock (an flock, released if the process dies).

    `wait=True` waits forever; `timeout` waits that many seconds; otherwise one attempt. A lock
    still held then raises StoreBusyError (transient: retrying later can succeed).
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(db_path), "a+") as handle:
        if wait:
            fcntl.flock(handle, fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + timeout if timeout else None
            _try_lock(handle, db_path, deadline)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _mark_dirty(db_path: Path) -> None:
    marker = dirty_path(db_path)
    if not marker.exists():
        marker.write_text(f"pid {os.getpid()} opened the working file at {store.utcnow()}\n")
        _fsync_path(marker)
        _fsync_path(marker.parent)


def open_working_copy(db_path: Path) -> store.Connection:
    """Open (creating from the published file if needed) the writer's working database.

    Call with the write lock held. Runs a dead writer left `running` are closed as `interrupted`.
    """
    work = working_path(db_path)
    if not work.exists() and db_path.exists():
        # Copy under another name first: a copy cut short by a kill must not pass for the file.
        tmp = work.with_name(work.name + ".copying")
        shutil.copy2(db_path, tmp)
        os.chmod(tmp, 0o644)  # the snapshot may be read-only; the working file must not be
        os.replace(tmp, work)
    _mark_dirty(db_path)
    con = store.connect(work)
    close_interrupted_runs(con)
    return con


def close_interrupted_runs(con: store.Connection) -> int:
    """Mark runs still `running` as `interrupted`; with the lock held, their process is gone."""
    rows = con.execute(
        "UPDATE store.runs SET status = 'interrupted', finished_at = ?, "
        "error = 'the run stopped before finishing; a later run completed its work' "
        "WHERE status = 'running' RETURNING run_id",
        [store.utcnow()],
    ).fetchall()
    for (run_id,) in rows:
        log.warning("run %s was interrupted; its pending work is completed now", run_id)
    return len(rows)


def publish(con: store.Connection, db_path: Path) -> Path:
    """Checkpoint the working file and atomically replace the published snapshot with a copy."""
    con.execute("CHECKPOINT")
    work = working_path(db_path)
    wal = work.with_name(work.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        # The copy below takes the main file only; everything must be in it.
        raise StoreBusyError("working file still has a write-ahead log after CHECKPOINT", path=work)
    tmp = db_path.with_name(f".{db_path.name}.publishing")
    shutil.copy2(work, tmp)
    _fsync_path(tmp)
    _remove_stale_wal(db_path)
    os.replace(tmp, db_path)
    _fsync_path(db_path.parent)
    dirty_path(db_path).unlink(missing_ok=True)
    log.info("published %s", db_path)
    return db_path


def _remove_stale_wal(db_path: Path) -> None:
    """Drop a WAL someone's read-write session left beside the snapshot being replaced.

    It belongs to the old file (which that session keeps open); replayed onto the new snapshot it
    would corrupt it. The published file is meant to be opened read-only (`duckdb -readonly`).
    """
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():
        log.warning("%s: removing a write-ahead log left by a read-write session", wal)
        wal.unlink(missing_ok=True)


@contextmanager
def writer(
    db_path: Path | str, wait: bool = False, timeout: float | None = DEFAULT_LOCK_TIMEOUT
) -> Iterator[store.Connection]:
    """Yield a writable connection to the working copy; publish it when the block succeeds.

    Another writer's lock is waited for up to `timeout` seconds (then StoreBusyError).
    """
    db_path = Path(db_path)
    with write_lock(db_path, wait=wait, timeout=timeout):
        con = open_working_copy(db_path)
        try:
            yield con
            publish(con, db_path)
        finally:
            con.close()
