"""The static site: page data, escaping, determinism and the atomic swap (no browser here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import StrictUndefined

from claims import store
from reports import markup, render
from reports.render import environment, render_site
from tests.fixtures.report_store import RUN_2, XSS_SENTENCE, build_store

TEMPLATES = Path(render.__file__).parent / "templates"


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("store") / "claims.duckdb")


@pytest.fixture(scope="module")
def site(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "report"
    render_site(fixture_db, out)
    return out


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def outlet_file(site: Path, outlet: str) -> str:
    return read(site, f"outlets/{markup.slug_with_hash(outlet)}.html")


def test_summary_counts_every_page(fixture_db: Path, tmp_path: Path) -> None:
    summary = render_site(fixture_db, tmp_path / "out")
    assert (summary.claims, summary.outlets) == (5, 4)
    assert summary.pages == 4 + 5 + 4
    assert summary.index == tmp_path / "out" / "index.html"
    assert len(list((tmp_path / "out").rglob("*.html"))) == summary.pages


def test_output_is_deterministic(fixture_db: Path, tmp_path: Path) -> None:
    render_site(fixture_db, tmp_path / "a")
    render_site(fixture_db, tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.html"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.html"))
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_generated_at_comes_from_the_latest_run(site: Path) -> None:
    assert "as of 2025-03-02 09:02 UTC" in read(site, "index.html")


def test_index_ranks_by_outlets_then_first_seen(site: Path) -> None:
    html = read(site, "index.html")
    order = re.findall(
        r'<td class="lead" data-sort-value="[^"]*"><a href="claims/(\w+)\.html"', html
    )
    assert order == ["c_strand", "c_fuel", "c_talks", "c_reopen", "c_weather"]
    assert "Maria Lindqvist (3 outlets), unattributed (1 outlet)" in html
    assert 'data-outlets="Coastal Wire|Daily Meridian|Northern Ledger|The Sentinel"' in html
    assert 'class="badge badge-numbers_differ">numbers differ<' in html


def test_claim_page_lists_every_mention_in_published_order(site: Path) -> None:
    html = read(site, "claims/c_strand.html")
    mentions = re.findall(
        r'<li class="mention" id="m-[^"]+">\s*<div class="mhead">\s*<a class="outlet"'
        r' href="[^"]+">([^<]+)</a>',
        html,
    )
    assert mentions == ["Northern Ledger", "Coastal Wire", "Daily Meridian", "The Sentinel"]
    assert "<mark>The ferry strike has left 12,000 passengers stranded at the port,</mark>" in html
    assert "<del>12,000</del> <ins>twelve thousand</ins>" in html
    # a whole-sentence mention highlights the attribution's quote inside it
    assert (
        "“<mark>The ferry strike has left twelve thousand passengers stranded at the port,</mark>”"
        in html
    )
    assert "<dt>Via</dt><dd>local radio</dd>" in html
    assert "<dt>As written</dt><dd>“Ms Lindqvist”</dd>" in html


def test_claim_page_timeline_and_flags(site: Path) -> None:
    html = read(site, "claims/c_strand.html")
    timeline = html.split('<ol class="timeline"')[1].split("</ol>")[0]
    assert [o for o in re.findall(r">([^<>]+)</a>", timeline)] == [
        "Northern Ledger",
        "Coastal Wire",
        "Daily Meridian",
        "The Sentinel",
    ]
    assert '<span class="off">+1 h</span>' in timeline
    assert '<span class="off">no date</span><a href="../outlets/the-sentinel' in timeline
    flags = html.split('id="flags"')[1].split('id="mentions"')[0]
    assert '<mark class="num">twelve thousand</mark>' in flags
    assert '<mark class="num">12,000</mark>' in flags
    assert "12,000 vs twelve thousand" in flags
    assert "The Sentinel states it without a source" in flags


def test_untrusted_text_is_escaped_everywhere(site: Path) -> None:
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script>window" not in html, path
        assert "<img src=x" not in html, path
        assert "javascript:" not in html, path
    claim = read(site, "claims/c_reopen.html")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;Officials" in claim
    assert "&lt;img src=x onerror=&#34;window.__pwned=1;alert(1)&#34;&gt;" in claim
    assert '<div class="small">&lt;script&gt;' in claim  # javascript: URL is not linked


def test_pages_carry_a_content_security_policy(site: Path) -> None:
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
        assert csp and "default-src 'none'" in csp.group(1), path
        if path.name == "index.html":
            assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp.group(1))
            assert html.count("<script>") == 1
        else:
            assert "script-src 'none'" in csp.group(1) and "<script" not in html, path


def test_only_built_html_fields_are_marked_safe() -> None:
    for template in TEMPLATES.glob("*.html"):
        for expression in re.findall(r"\{\{([^}]*)\|\s*safe", template.read_text()):
            assert expression.strip().endswith("_html"), (template.name, expression)


def test_environment_is_strict_and_escaping() -> None:
    env = environment()
    assert env.autoescape is True
    assert env.undefined is StrictUndefined


def test_outlet_pages(site: Path) -> None:
    sentinel = outlet_file(site, "The Sentinel")
    dropped = sentinel.split('id="dropped"')[1].split('id="claims"')[0]
    assert "c_strand.html" in dropped and "Maria Lindqvist (Coastal Wire)" in dropped
    assert "0 (0%) attributed to a source, 3 in its own voice" in sentinel
    ledger = outlet_file(site, "Northern Ledger")
    assert "2 (67%) attributed to a source, 1 in its own voice" in ledger
    assert 'href="https://ledger.example/ferry"' in ledger
    ledger_dropped = ledger.split('id="dropped"')[1].split('id="claims"')[0]
    assert "c_fuel.html" in ledger_dropped and "harbour office (Daily Meridian)" in ledger_dropped
    assert 'id="dropped"' not in outlet_file(site, "Coastal Wire")


def test_matrix_marks_copy_kind_and_attribution(site: Path) -> None:
    html = read(site, "matrix.html")
    strand = next(row for row in html.split("<tr>") if "c_strand.html" in row)
    cells = re.findall(r'title="([^"]+)"', strand)
    # columns: outlets by claims carried: Northern Ledger 3, The Sentinel 3, then 2, 2
    assert cells == [
        "verbatim, attributed",
        "paraphrase, own voice",
        "verbatim, attributed",
        "edited, attributed",
    ]


def test_run_page_shows_what_the_last_run_changed(site: Path) -> None:
    html = read(site, "run.html")
    assert RUN_2 in html

    def section(key: str) -> str:
        return html.split(f'<h2 id="{key}">')[1].split("<h2")[0]

    assert re.findall(r"claims/(\w+)\.html", section("new")) == ["c_reopen", "c_weather"]
    gained = section("gained")
    assert re.findall(r"claims/(\w+)\.html", gained) == ["c_strand"] and "The Sentinel" in gained
    flags = section("flags")
    assert "attribution dropped" in flags and "numbers differ" not in flags


def test_swap_replaces_old_site_and_leaves_no_temp(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "stale.html").write_text("old")
    render_site(fixture_db, out)
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_failed_render_keeps_previous_site(
    fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    render_site(fixture_db, out)
    before = (out / "index.html").read_bytes()

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(render, "write_pages", boom)
    with pytest.raises(RuntimeError):
        render_site(fixture_db, out)
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_failed_file_write_fails_the_render(
    fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    render_site(fixture_db, out)
    before = (out / "index.html").read_bytes()
    # files are written on threads: an error there must still reach the caller
    monkeypatch.setattr(render.pages, "claim_href", lambda claim_id: f"missing/{claim_id}.html")
    with pytest.raises(FileNotFoundError):
        render_site(fixture_db, out)
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_renders_from_an_open_connection(fixture_db: Path, tmp_path: Path) -> None:
    con = store.connect(fixture_db, read_only=True)
    try:
        summary = render_site(con, tmp_path / "out", generated_at="fixture time")
    finally:
        con.close()
    assert "as of fixture time" in (summary.index).read_text()


def test_empty_store_renders(tmp_path: Path) -> None:
    store.connect(tmp_path / "empty.duckdb").close()
    summary = render_site(tmp_path / "empty.duckdb", tmp_path / "out")
    assert summary.pages == 4
    assert "No claims yet" in summary.index.read_text()
    assert "No runs recorded yet" in (tmp_path / "out" / "run.html").read_text()


def test_word_diff_escapes_each_piece() -> None:
    html = markup.word_diff("a <b> c", "a <i> c d")
    assert str(html) == "a <del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins> c <ins>d</ins>"


def test_highlight_span_ignores_bad_offsets() -> None:
    assert str(markup.highlight_span("<x>", 5, 9)) == "&lt;x&gt;"
    assert str(markup.highlight_span("a <x> b", 2, 5)) == "a <mark>&lt;x&gt;</mark> b"


def test_mention_span_uses_body_offsets_then_falls_back() -> None:
    sentence = "He said the port will reopen on Friday, officials said."
    part = "the port will reopen on Friday"
    at = 1000 + sentence.index(part)
    assert markup.mention_span(sentence, 1000, part, (at, at + len(part)), (None, None)) == (8, 38)
    # offsets that do not match the text: find the mention instead
    assert markup.mention_span(sentence, 1000, part, (0, 5), (None, None)) == (8, 38)
    # a whole-sentence mention: the attribution's quote span, shifted to the sentence
    assert markup.mention_span(sentence, 1000, sentence, (1000, 1055), (1008, 1038)) == (8, 38)
    assert markup.mention_span(sentence, None, sentence, (None, None), (1008, 1038)) == (None, None)


def test_highlight_numbers() -> None:
    html = str(
        markup.highlight_numbers("Some 275,000 fled, a quarter-of-a-million in total, 40% said.")
    )
    assert re.findall(r'<mark class="num">([^<]+)</mark>', html) == [
        "275,000",
        "a quarter-of-a-million",
        "40%",
    ]


def test_safe_url_and_stable_names() -> None:
    assert markup.safe_url("javascript:alert(1)") is None
    assert markup.safe_url(" https://x.example/a ") == "https://x.example/a"
    assert markup.slug_with_hash("Daily Meridian") == markup.slug_with_hash("Daily Meridian")
    assert markup.slug_with_hash("A/B") != markup.slug_with_hash("A B")
    assert markup.file_stem("c_1f2e") == "c_1f2e"
    assert markup.file_stem("../etc/passwd").startswith("etc-passwd-")


def test_xss_fixture_payload_is_present() -> None:
    # guard: the escaping tests above are only meaningful while the fixture carries the payloads
    assert "<script>" in XSS_SENTENCE and "onerror=" in XSS_SENTENCE


@pytest.mark.slow
def test_renders_the_seeds_pipeline_store(claims_db: Path, tmp_path: Path) -> None:
    """The real pipeline's store of the seeds: every claim and mention is on the site."""
    con = store.connect(claims_db, read_only=True)
    try:
        per_claim = dict(con.execute("SELECT claim_id, n_mentions FROM claims").fetchall())
        flagged = "SELECT claim_id FROM store.claim_flags WHERE flag = 'numbers_differ'"
        numbers_differ = [r[0] for r in con.execute(flagged).fetchall()]
        clause_claim = con.execute(
            "SELECT claim_id FROM claim_mentions WHERE mention_kind = 'clause' LIMIT 1"
        ).fetchone()[0]
        # The seeds' truce claim: seed 004's clause sits in a sentence quoting Kirby.
        (cited,) = con.execute(
            "SELECT claim_id FROM claim_mentions WHERE mention_kind = 'clause' "
            "AND attribution_kind = 'direct' AND text ILIKE '%truce%'"
        ).fetchone()
    finally:
        con.close()
    summary = render_site(claims_db, tmp_path / "site")
    assert summary.claims == len(per_claim) > 0
    for claim_id, n_mentions in per_claim.items():
        html = (tmp_path / "site" / f"claims/{markup.file_stem(claim_id)}.html").read_text()
        assert html.count('<li class="mention"') == n_mentions, claim_id
    for claim_id in numbers_differ:
        html = (tmp_path / "site" / f"claims/{markup.file_stem(claim_id)}.html").read_text()
        flags = html.split('id="flags"')[1].split('id="mentions"')[0]
        assert len(set(re.findall(r'<mark class="num">([^<]+)</mark>', flags))) >= 2
    assert "John Kirby (" in summary.index_path.read_text()
    # A clause's attribution is its sentence's, and the page says so.
    html = (tmp_path / "site" / f"claims/{markup.file_stem(clause_claim)}.html").read_text()
    assert "<dt>Sentence attribution</dt>" in html
    # The summary does not credit Kirby with the truce clause.
    html = (tmp_path / "site" / f"claims/{markup.file_stem(cited)}.html").read_text()
    assert "sentence citing John Kirby (1 outlet)" in html
