"""One writer, many readers: the pipeline writes a working file and publishes a read-only snapshot.

Readers (people in the DuckDB CLI, the report) open the published file read-only. A run takes an
exclusive lock, writes `.<name>.work.duckdb` beside it, and publishes by copy + atomic rename, so a
reader never blocks a run and never sees a half-finished one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import store
from .errors import StoreBusyError


def working_path(db_path: Path) -> Path:
    """Return the private working file the writer uses for `db_path`."""
    return db_path.with_name(f".{db_path.name}.work")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.lock")


@contextmanager
def write_lock(db_path: Path, wait: bool = False) -> Iterator[None]:
    """Hold the store's exclusive writer lock (an flock, released if the process dies)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(db_path), "a+") as handle:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError as exc:
            raise StoreBusyError(
                "another claimtrack run is writing this store", path=db_path
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_working_copy(db_path: Path) -> store.Connection:
    """Open (creating from the published file if needed) the writer's working database."""
    work = working_path(db_path)
    if not work.exists() and db_path.exists():
        shutil.copy2(db_path, work)
    return store.connect(work)


def publish(con: store.Connection, db_path: Path) -> Path:
    """Checkpoint the working file and atomically replace the published snapshot with a copy."""
    con.execute("CHECKPOINT")
    work = working_path(db_path)
    tmp = db_path.with_name(f".{db_path.name}.publishing")
    shutil.copy2(work, tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, db_path)
    return db_path


@contextmanager
def writer(db_path: Path | str, wait: bool = False) -> Iterator[store.Connection]:
    """Yield a writable connection to the working copy; publish it when the block succeeds."""
    db_path = Path(db_path)
    with write_lock(db_path, wait=wait):
        con = open_working_copy(db_path)
        try:
            yield con
            publish(con, db_path)
        finally:
            con.close()
