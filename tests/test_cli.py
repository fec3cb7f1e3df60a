"""The CLI's own behaviour: read-only SQL output formats and clear errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from claims import store
from flows.cli import app, format_table

runner = CliRunner()


def make_db(path):
    con = store.connect(path)
    con.execute(
        "INSERT INTO store.ingest_errors VALUES ('bad.txt', NULL, 'empty file', false, now(), 'r1')"
    )
    con.close()
    return path


def test_sql_prints_table_csv_and_json(tmp_path):
    db = make_db(tmp_path / "c.duckdb")
    query = "select source_path, reason from ingest_errors"
    table = runner.invoke(app, ["sql", query, "--db", str(db)])
    assert table.exit_code == 0, table.output
    assert "bad.txt" in table.output and "(1 row)" in table.output
    as_csv = runner.invoke(app, ["sql", query, "--db", str(db), "--csv"])
    assert as_csv.output.splitlines() == ["source_path,reason", "bad.txt,empty file"]
    as_json = runner.invoke(app, ["sql", query, "--db", str(db), "--json"])
    assert json.loads(as_json.output) == [{"source_path": "bad.txt", "reason": "empty file"}]


def test_sql_is_read_only(tmp_path):
    db = make_db(tmp_path / "c.duckdb")
    result = runner.invoke(app, ["sql", "delete from store.ingest_errors", "--db", str(db)])
    assert result.exit_code == 2
    assert "read-only" in result.output.lower()
    con = store.connect(db, read_only=True)
    assert con.execute("select count(*) from ingest_errors").fetchone() == (1,)


def test_sql_on_missing_database_names_the_file(tmp_path):
    missing = tmp_path / "nothing.duckdb"
    result = runner.invoke(app, ["sql", "select 1", "--db", str(missing)])
    assert result.exit_code == 2
    assert str(missing) in result.output and "no database" in result.output


def test_format_table_cuts_long_cells():
    text = format_table(["a"], [("x" * 200,), (None,)], width=10)
    assert "xxxxxxxxx…" in text and "NULL" in text and "(2 rows)" in text
