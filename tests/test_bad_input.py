"""Bad input: each case gets one clear reason naming the file, a row in ingest_errors, and the
other files still go in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from claims import store
from claims.ingest import ingest_paths
from claims.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
GOOD = "Bridge reopens\n\nThe old bridge reopened to traffic on Monday after two years of work.\n"


@pytest.fixture()
def con(tmp_path):
    connection = store.connect(tmp_path / "claims.duckdb")
    yield connection
    connection.close()


def ingest_one(con, path: Path, settings: Settings | None = None):
    """Ingest `path` beside a good article; return (summary, ingest_errors rows)."""
    good = path.parent / "zz_good.txt"
    good.write_text(GOOD)
    summary = ingest_paths(con, [path, good], "r1", settings)
    assert summary.articles_new + summary.articles_present >= 1, "the good file must still go in"
    rows = con.execute(
        "SELECT source_path, line_no, reason, transient FROM ingest_errors"
    ).fetchall()
    return summary, rows


def assert_rejected(summary, rows, path: Path, reason: str) -> None:
    assert len(summary.errors) == 1, summary.errors
    where, message = summary.errors[0]
    assert where == str(path) and reason in message
    assert [(r[0], r[3]) for r in rows] == [(str(path), False)] and reason in rows[0][2]
    assert summary.articles_rejected == 1


@pytest.mark.parametrize(
    ("content", "reason"), [(b"", "file is empty"), (b" \n\n\t", "whitespace")]
)
def test_empty_file(con, tmp_path, content, reason):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert_rejected(*ingest_one(con, path), path, reason)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (os.urandom(4096) + b"\x00", "binary file"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(512), "PNG image"),
        (bytes(range(128, 256)) * 64, "binary file"),
    ],
)
def test_binary_file(con, tmp_path, content, reason):
    path = tmp_path / "photo.txt"
    path.write_bytes(content)
    assert_rejected(*ingest_one(con, path), path, reason)


def test_non_utf8_text_is_decoded_with_a_logged_note(con, tmp_path, caplog):
    path = tmp_path / "latin.txt"
    text = (
        "Café talks resume\n\nThe mayor said the café would reopen on Monday, déjà vu for many.\n"
    )
    path.write_bytes(text.encode("cp1252"))
    summary, rows = ingest_one(con, path)
    assert rows == [] and summary.articles_new == 2
    assert "not UTF-8; read as cp1252" in caplog.text
    sentences = [r[0] for r in con.execute("SELECT text FROM sentences").fetchall()]
    assert any("café would reopen" in s for s in sentences)


@pytest.mark.timeout(60)
def test_50_mb_text_file_is_refused_as_one_article(con, tmp_path):
    path = tmp_path / "huge.txt"
    line = b"The council voted on the budget on Monday night, the clerk said.\n"
    with open(path, "wb") as handle:
        handle.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert path.stat().st_size > 50 * 1024 * 1024
    summary, rows = ingest_one(con, path)
    assert_rejected(summary, rows, path, "too long for one article")


def test_file_over_max_file_bytes_is_not_read(con, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(GOOD * 100)
    summary, rows = ingest_one(con, path, Settings(max_file_bytes=1000))
    assert_rejected(summary, rows, path, "kB, over the 1.0 kB limit")


def test_one_5_mb_line_is_dropped_and_the_article_kept(con, tmp_path):
    path = tmp_path / "with_blob.txt"
    blob = "x" * (5 * 1024 * 1024)
    path.write_text(
        f"Budget passes\n\nThe council passed the budget on Monday.\n{blob}\nIt was close.\n"
    )
    summary, rows = ingest_one(con, path)
    assert rows == [] and summary.articles_new == 2
    dropped = con.execute(
        "SELECT line_no, length(text) FROM dropped_lines WHERE rule = 'overlong_line'"
    ).fetchall()
    assert len(dropped) == 1 and dropped[0][0] == 4 and dropped[0][1] < 300  # a preview only
    sentences = [r[0] for r in con.execute("SELECT text FROM sentences").fetchall()]
    assert "It was close." in sentences and all(len(s) < 1000 for s in sentences)


def test_file_that_is_one_5_mb_line_is_rejected(con, tmp_path):
    path = tmp_path / "blob.txt"
    path.write_text("word " * (1024 * 1024))
    summary, rows = ingest_one(con, path)
    assert_rejected(summary, rows, path, "dropped by overlong_line")


def test_malformed_front_matter(con, tmp_path):
    path = tmp_path / "bad_frontmatter.md"
    shutil.copy(FIXTURES / path.name, path)
    assert_rejected(*ingest_one(con, path), path, "front matter is not valid YAML")


def test_broken_json_line_rejects_that_line_only(con, tmp_path):
    path = tmp_path / "broken.jsonl"
    shutil.copy(FIXTURES / path.name, path)
    summary, rows = ingest_one(con, path)
    assert summary.articles_new == 3 and summary.articles_rejected == 1
    assert summary.errors == [(f"{path}:2", summary.errors[0][1])]
    assert [(r[0], r[1]) for r in rows] == [(str(path), 2)]
    assert "not valid JSON" in rows[0][2]


def test_html_page_with_no_article(con, tmp_path):
    path = tmp_path / "no_article.html"
    shutil.copy(FIXTURES / path.name, path)
    assert_rejected(*ingest_one(con, path), path, "no article text found")


def test_article_with_no_sentences_after_cleaning(con, tmp_path):
    path = tmp_path / "headline_only.txt"
    path.write_text("Just a headline\n")
    assert_rejected(*ingest_one(con, path), path, "no sentences")


def test_missing_path(con, tmp_path):
    path = tmp_path / "missing.txt"
    summary, rows = ingest_one(con, path)
    assert_rejected(summary, rows, path, "no such file")


def test_broken_metadata_file_is_reported_and_its_articles_still_go_in(con, tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "metadata.yaml").write_text("a.txt: [unclosed\n")
    (folder / "a.txt").write_text(GOOD)
    summary = ingest_paths(con, [folder], "r1")
    assert summary.articles_new == 1 and summary.articles_rejected == 0
    assert len(summary.errors) == 1 and summary.errors[0][0].endswith("metadata.yaml")


def test_a_directory_of_bad_files_reports_each_and_keeps_the_good_ones(con, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    for name in ("bad_frontmatter.md", "broken.jsonl", "no_article.html", "page.html"):
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "good.txt").write_text(GOOD)
    summary = ingest_paths(con, [folder], "r1")
    assert summary.articles_new == 4  # two JSON lines, the HTML page, good.txt
    assert summary.articles_rejected == 5
    reasons = con.execute("SELECT source_path, reason FROM ingest_errors ORDER BY 1").fetchall()
    assert [Path(p).name for p, _ in reasons] == [
        "bad_frontmatter.md",
        "binary.bin",
        "broken.jsonl",
        "empty.txt",
        "no_article.html",
    ]
    assert all(reason for _, reason in reasons)
