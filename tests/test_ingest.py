"""Ingest into a real store: seeds, every format, idempotence, known files, atomicity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claims import ingest, store
from claims.ids import article_id
from claims.ingest import filter_new_files, ingest_paths, is_known_file, write

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TABLES = ("articles", "sentences", "dropped_lines", "source_files", "ingest_errors")


@pytest.fixture()
def con(tmp_path):
    connection = store.connect(tmp_path / "claims.duckdb")
    yield connection
    connection.close()


def row_counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM store.{t}").fetchone()[0] for t in TABLES}


def copy_fixture(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "in" / name
    target.parent.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / name, target)
    return target


def test_seeds_ingest_with_outlets_from_their_metadata_file(con):
    summary = ingest_paths(con, [SEEDS], "r1")
    assert summary.articles_new == 5 and summary.errors == []
    assert summary.sentences_new == con.execute("SELECT count(*) FROM sentences").fetchone()[0]
    rows = con.execute(
        "SELECT regexp_extract(source_path, '(\\d{3})_', 1), outlet, outlet_rule, published_at "
        "FROM articles ORDER BY 1"
    ).fetchall()
    outlets = {r[0]: (r[1], r[2]) for r in rows}
    assert outlets == {
        "000": ("EmbassyPages", "metadata_file"),
        "001": ("Asianet Newsable", "metadata_file"),
        "002": ("NY Times", "metadata_file"),
        "003": ("unknown", "unknown"),
        "004": ("unknown", "unknown"),
    }
    assert rows[0][3].date().isoformat() == "2016-10-03"
    assert [r[3] for r in rows[1:]] == [None] * 4


def test_seed_titles_come_from_the_metadata_file_not_the_banner(con):
    ingest_paths(con, [SEEDS], "r1")
    titles = {r[0] for r in con.execute("SELECT title FROM articles").fetchall()}
    assert "Consular assistance in Russia" not in titles
    assert "US drops Russia talks as Syria pushes Aleppo onslaught" in titles


def test_article_id_is_outlet_plus_original_text(con):
    ingest_paths(con, [SEEDS], "r1")
    path = sorted(SEEDS.glob("002_*.txt"))[0]
    expected = article_id("NY Times", path.read_text(encoding="utf-8"))
    assert con.execute("SELECT outlet FROM articles WHERE article_id = ?", [expected]).fetchone()


def test_reingesting_changes_no_row_count(con):
    ingest_paths(con, [SEEDS, FIXTURES], "r1")
    before = row_counts(con)
    before_errors = before.pop("ingest_errors")
    summary = ingest_paths(con, [SEEDS, FIXTURES], "r2")
    after = row_counts(con)
    assert after.pop("ingest_errors") == 2 * before_errors  # bad fixtures are reported each time
    assert after == before
    assert summary.articles_new == 0 and summary.sentences_new == 0
    assert summary.articles_present == 5 + 7


def test_sentences_have_offsets_into_the_clean_text(con):
    ingest_paths(con, [SEEDS], "r1")
    rows = con.execute(
        "SELECT s.text, s.char_start, s.char_end, a.clean_text, s.position "
        "FROM store.sentences s JOIN store.articles a USING (article_id) ORDER BY s.article_id, 5"
    ).fetchall()
    assert rows
    for text, start, end, body, _ in rows:
        assert body[start:end] == text
    positions = con.execute(
        "SELECT article_id, list(position ORDER BY position) FROM sentences GROUP BY 1"
    ).fetchall()
    for _, found in positions:
        assert found == list(range(len(found)))


def test_raw_text_is_kept_as_given(con):
    ingest_paths(con, [SEEDS], "r1")
    path = sorted(SEEDS.glob("001_*.txt"))[0]
    raw = con.execute(
        "SELECT raw_text FROM store.articles WHERE source_path = ?", [str(path)]
    ).fetchone()[0]
    assert raw == path.read_text(encoding="utf-8")


def test_every_format_ingests(con):
    summary = ingest_paths(
        con, [FIXTURES / n for n in ("frontmatter.md", "page.html", "articles.jsonl")], "r1"
    )
    assert summary.errors == []
    rows = dict(con.execute("SELECT source_path, (outlet, outlet_rule) FROM articles").fetchall())
    base = str(FIXTURES)
    assert rows == {
        f"{base}/frontmatter.md": ("The Harbour Gazette", "metadata"),
        f"{base}/page.html": ("Valley Courier", "metadata"),
        f"{base}/articles.jsonl:1": ("Lakeside Times", "metadata"),
        f"{base}/articles.jsonl:2": ("coastpost.example", "url"),
        f"{base}/articles.jsonl:4": ("River Daily", "credit"),
    }
    per_article = con.execute("SELECT count(DISTINCT article_id) FROM sentences").fetchone()[0]
    assert per_article == 5


def test_jsonl_body_keeps_its_first_line_when_there_is_no_title(con, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "The first sentence is news.\\n\\nThe second one too."}\n')
    ingest_paths(con, [path], "r1")
    texts = [r[0] for r in con.execute("SELECT text FROM sentences ORDER BY position").fetchall()]
    assert texts == ["The first sentence is news.", "The second one too."]


def test_directory_metadata_file_applies_to_any_directory(con, tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "story.txt").write_text("A headline\n\nThe mayor opened the new bridge on Monday.\n")
    (folder / "metadata.yaml").write_text(
        "story.txt:\n  outlet: Town Crier\n  published_at: 2020-01-02\n  title: Bridge opens\n"
    )
    summary = ingest_paths(con, [folder], "r1")
    assert summary.articles_new == 1
    row = con.execute("SELECT outlet, outlet_rule, title, published_at FROM articles").fetchone()
    assert row[:3] == ("Town Crier", "metadata_file", "Bridge opens")
    assert row[3].year == 2020


def test_explicit_metadata_beats_the_directory_metadata_file(con, tmp_path):
    target = copy_fixture(tmp_path, "frontmatter.md")
    (target.parent / "metadata.yaml").write_text("frontmatter.md:\n  outlet: Other Paper\n")
    ingest_paths(con, [target.parent], "r1")
    assert con.execute("SELECT outlet FROM articles").fetchone()[0] == "The Harbour Gazette"


def test_directory_walk_is_sorted_and_skips_hidden_and_metadata(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/z.txt", "a.txt", ".hidden.txt", ".git/x.txt", "metadata.yaml", "b/a.md"):
        (tmp_path / name).write_text("x")
    files, errors = ingest.expand_paths([tmp_path, tmp_path / "a.txt", tmp_path / "nope"])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a.txt", "b/a.md", "b/z.txt"]
    assert len(errors) == 1 and "no such file" in errors[0].reason


def test_known_files_are_recognised_even_when_renamed(con, tmp_path):
    original = copy_fixture(tmp_path, "frontmatter.md")
    renamed = tmp_path / "renamed.md"
    shutil.copy(original, renamed)
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("A new story\n\nSomething else happened today in the town.\n")
    assert not is_known_file(con, original)
    ingest_paths(con, [original], "r1")
    assert is_known_file(con, original) and is_known_file(con, renamed)
    assert filter_new_files(con, [original, renamed, fresh]) == [fresh]


def test_renamed_copy_is_already_present(con, tmp_path):
    original = copy_fixture(tmp_path, "page.html")
    ingest_paths(con, [original], "r1")
    shutil.copy(original, tmp_path / "copy.html")
    summary = ingest_paths(con, [tmp_path / "copy.html"], "r2")
    assert (summary.articles_new, summary.articles_present) == (0, 1)


def test_progress_is_reported_per_file(con):
    calls = []
    ingest_paths(con, [SEEDS], "r1", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 5) for i in range(1, 6)]


def test_failure_mid_article_writes_nothing_of_it_and_the_next_goes_in(con, tmp_path, monkeypatch):
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_text("First story\n\nThe council met on Monday. It voted to build a park.\n")
    second.write_text("Second story\n\nThe river rose overnight. Roads were closed.\n")
    real_insert = write.insert_sentences

    def failing_for_first_story(con_, batch, run_id):
        if any(p.article.title == "First story" for p in batch):
            raise RuntimeError("disk full")
        real_insert(con_, batch, run_id)

    monkeypatch.setattr(write, "insert_sentences", failing_for_first_story)
    summary = ingest_paths(con, [first, second], "r1")
    assert summary.articles_new == 1 and summary.articles_rejected == 1
    assert summary.errors == [(str(first), "could not store article: disk full")]
    titles = [r[0] for r in con.execute("SELECT title FROM articles").fetchall()]
    assert titles == ["Second story"]
    assert con.execute("SELECT count(*) FROM store.sentences").fetchone()[0] == 2
    orphans = con.execute(
        "SELECT (SELECT count(*) FROM store.sentences WHERE article_id NOT IN "
        "(SELECT article_id FROM store.articles)) + (SELECT count(*) FROM store.dropped_lines "
        "WHERE article_id NOT IN (SELECT article_id FROM store.articles))"
    ).fetchone()[0]
    assert orphans == 0
    # The failed file is not remembered as seen, so the next run retries it.
    assert not is_known_file(con, first) and is_known_file(con, second)
    monkeypatch.setattr(write, "insert_sentences", real_insert)
    assert ingest_paths(con, [first], "r2").articles_new == 1


def test_a_failing_cleaner_rejects_only_that_article(con, tmp_path, monkeypatch):
    from claims import clean

    real_clean = clean.clean_article

    def broken_on_marker(text, title=None):
        if "MARKER" in text:
            raise ValueError("cleaner bug")
        return real_clean(text, title)

    monkeypatch.setattr(clean, "clean_article", broken_on_marker)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Story A\n\nMARKER in a sentence that is fine.\n")
    (folder / "b.txt").write_text("Story B\n\nAn ordinary sentence about the weather.\n")
    summary = ingest_paths(con, [folder], "r1")
    assert summary.articles_new == 1
    assert summary.errors == [(str(folder / "a.txt"), "could not process article: cleaner bug")]


def test_articles_are_written_in_batches_not_one_statement_each(con, monkeypatch):
    calls = []
    real_insert = write.insert_sentences

    def spy(con_, batch, run_id):
        calls.append(len(batch))
        real_insert(con_, batch, run_id)

    monkeypatch.setattr(write, "insert_sentences", spy)
    summary = ingest_paths(con, [SEEDS, FIXTURES], "r1")
    assert calls == [summary.articles_new] == [12]


def test_summary_counts_feed_finish_run(con):
    run_id = store.start_run(con, "ingest")
    summary = ingest_paths(con, [SEEDS], run_id)
    store.finish_run(con, run_id, summary.counts())
    row = con.execute("SELECT articles_new, sentences_new FROM runs").fetchone()
    assert row == (5, summary.sentences_new)
    assert con.execute("SELECT count(DISTINCT run_id) FROM store.sentences").fetchone()[0] == 1
