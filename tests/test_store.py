"""The store: migrations, refusal of newer files, documented views, transactions."""

from __future__ import annotations

import duckdb
import pytest

from claims import store
from claims.errors import SchemaError
from claims.migrations import MIGRATIONS
from claims.views import PUBLIC_VIEWS


@pytest.fixture()
def db_path(tmp_path):
    return tmp_path / "claims.duckdb"


def test_file_named_like_the_internal_schema_is_refused(tmp_path):
    from claims.errors import SettingsError

    with pytest.raises(SettingsError, match="may not be named"):
        store.connect(tmp_path / "store.duckdb")


def test_migrations_are_recorded_once(db_path):
    con = store.connect(db_path)
    assert store.applied_migrations(con) == [m.name for m in MIGRATIONS]
    con.close()
    con = store.connect(db_path)
    assert store.migrate(con) == []
    assert len(store.applied_migrations(con)) == len(MIGRATIONS)


def test_public_views_have_documented_columns_in_order(db_path):
    con = store.connect(db_path)
    for view in PUBLIC_VIEWS:
        rows = con.execute(
            "SELECT column_name, comment FROM duckdb_columns() "
            "WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index",
            [view.name],
        ).fetchall()
        assert [r[0] for r in rows] == [c for c, _ in view.columns], view.name
        assert all(r[1] for r in rows), f"undocumented column in {view.name}"
        comment = con.execute(
            "SELECT comment FROM duckdb_views() WHERE view_name = ?", [view.name]
        ).fetchone()
        assert comment and comment[0] == view.doc


def test_issue_view_columns_are_a_stable_prefix(db_path):
    """The columns promised by the issues stay first, in this order."""
    promised = {
        "articles": [
            "article_id",
            "outlet",
            "title",
            "url",
            "published_at",
            "source_path",
            "ingested_at",
        ],
        "sentences": [
            "sentence_id",
            "article_id",
            "outlet",
            "position",
            "text",
            "char_start",
            "char_end",
            "attribution_kind",
            "speaker",
            "speaker_type",
            "speaker_title",
            "cue",
            "via",
        ],
        "claims": [
            "claim_id",
            "canonical_text",
            "n_outlets",
            "n_mentions",
            "first_seen",
            "first_outlet",
            "flags",
        ],
        "claim_mentions": [
            "claim_id",
            "sentence_id",
            "article_id",
            "outlet",
            "published_at",
            "text",
            "similarity",
            "copy_kind",
            "attribution_kind",
            "speaker",
            "cue",
        ],
    }
    con = store.connect(db_path)
    for name, columns in promised.items():
        got = [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description]
        assert got[: len(columns)] == columns


def test_newer_database_is_refused(db_path):
    con = store.connect(db_path)
    con.execute("INSERT INTO schema_migrations VALUES ('999_from_the_future', now())")
    con.close()
    with pytest.raises(SchemaError, match="newer claimtrack"):
        store.connect(db_path)
    with pytest.raises(SchemaError, match="newer claimtrack"):
        store.connect(db_path, read_only=True)


def test_read_only_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SchemaError, match="no database"):
        store.connect(tmp_path / "absent.duckdb", read_only=True)


def test_transaction_rolls_back_everything(db_path):
    con = store.connect(db_path)
    with pytest.raises(RuntimeError), store.transaction(con):
        con.execute(
            "INSERT INTO store.ingest_errors VALUES ('a.txt', NULL, 'x', false, now(), NULL)"
        )
        raise RuntimeError("boom")
    assert con.execute("SELECT count(*) FROM ingest_errors").fetchone() == (0,)


def test_runs_are_recorded(db_path):
    con = store.connect(db_path)
    run_id = store.start_run(con, "test")
    store.finish_run(con, run_id, {"articles_new": 3, "sentences_new": 7})
    row = con.execute(
        "SELECT status, articles_new, sentences_new, counts->>'articles_new' FROM runs"
    ).fetchone()
    assert row == ("completed", 3, 7, "3")


def test_read_only_connection_cannot_write(db_path):
    store.connect(db_path).close()
    con = store.connect(db_path, read_only=True)
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM store.runs")
