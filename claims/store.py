"""The DuckDB store: connecting, migrating, documenting views, and recording runs."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from .errors import SchemaError, SettingsError, StoreBusyError
from .migrations import MIGRATIONS
from .views import PUBLIC_VIEWS

log = logging.getLogger(__name__)

Connection = duckdb.DuckDBPyConnection
INTERNAL_SCHEMA = "store"


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo (DuckDB TIMESTAMP columns are naive)."""
    return datetime.now(UTC).replace(tzinfo=None)


def connect(
    path: Path | str, *, read_only: bool = False, migrate_schema: bool = True
) -> Connection:
    """Return a connection to the store at `path`, migrated to the current schema when writable."""
    path = Path(path)
    if path.name.split(".")[0].lower() == INTERNAL_SCHEMA:
        # DuckDB names the catalog after the file, which would clash with the internal schema.
        raise SettingsError(
            f"a database file may not be named '{INTERNAL_SCHEMA}.*'; choose another name",
            path=path,
        )
    if read_only and not path.exists():
        raise SchemaError("no database here (run `claimtrack ingest` or `run` first)", path=path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusyError("database is locked by another process", path=path) from exc
        raise SchemaError(f"cannot open database: {exc}", path=path) from exc
    if read_only:
        check_not_newer(con, path)
    elif migrate_schema:
        migrate(con, path)
    return con


def applied_migrations(con: Connection) -> list[str]:
    """Return the names of migrations recorded in the bookkeeping table, oldest first."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    rows = con.execute("SELECT name FROM schema_migrations ORDER BY applied_at, name").fetchall()
    return [r[0] for r in rows]


def check_not_newer(con: Connection, path: Path | str) -> None:
    """Refuse a file whose schema has migrations this code does not know."""
    known = {m.name for m in MIGRATIONS}
    unknown = [n for n in applied_migrations(con) if n not in known]
    if unknown:
        raise SchemaError(
            f"made by a newer claimtrack (unknown migrations {', '.join(unknown)}); "
            "upgrade claimtrack to open it",
            path=path,
        )


def migrate(con: Connection, path: Path | str = "<memory>") -> list[str]:
    """Apply pending migrations, one transaction each, then re-create and document the views."""
    check_not_newer(con, path)
    con.execute(
        "CREATE TABLE IF NOT EXISTS main.schema_migrations "
        "(name TEXT PRIMARY KEY, applied_at TIMESTAMP)"
    )
    done = set(applied_migrations(con))
    applied = []
    for migration in MIGRATIONS:
        if migration.name in done:
            continue
        with transaction(con):
            con.execute(migration.sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [migration.name, utcnow()])
        applied.append(migration.name)
        log.info("applied migration %s", migration.name)
    with transaction(con):
        create_views(con)
    return applied


def create_views(con: Connection) -> None:
    """Re-create every public view and its COMMENT ON documentation."""
    for view in PUBLIC_VIEWS:
        con.execute(view.create_sql())
        con.execute(f"COMMENT ON VIEW main.{view.name} IS {sql_literal(view.doc)}")
        for column, doc in view.columns:
            con.execute(f"COMMENT ON COLUMN main.{view.name}.{column} IS {sql_literal(doc)}")


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """Run the block in one transaction: all of it is written, or none."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def start_run(con: Connection, command: str, flow_run_id: str | None = None) -> str:
    """Record a new run as `running` and return its id."""
    run_id = "r_" + utcnow().strftime("%Y%m%dT%H%M%S") + "_" + uuid.uuid4().hex[:6]
    con.execute(
        "INSERT INTO store.runs (run_id, started_at, status, command, flow_run_id) "
        "VALUES (?, ?, 'running', ?, ?)",
        [run_id, utcnow(), command, flow_run_id],
    )
    return run_id


def finish_run(
    con: Connection,
    run_id: str,
    counts: dict[str, Any],
    status: str = "completed",
    error: str | None = None,
) -> None:
    """Close a run with its counts and status."""
    con.execute(
        "UPDATE store.runs SET finished_at = ?, status = ?, error = ?, counts = ?, "
        "articles_new = ?, articles_present = ?, articles_rejected = ?, sentences_new = ? "
        "WHERE run_id = ?",
        [
            utcnow(),
            status,
            error,
            json.dumps(counts, sort_keys=True, default=str),
            counts.get("articles_new", 0),
            counts.get("articles_present", 0),
            counts.get("articles_rejected", 0),
            counts.get("sentences_new", 0),
            run_id,
        ],
    )
