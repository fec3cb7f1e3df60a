"""The rendered site in a real browser: Debian's Chromium driven by Playwright (no download)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.markup import slug_with_hash
from reports.render import render_site
from tests.fixtures.report_store import build_store

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CLAIMTRACK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SHOTS = os.environ.get("CLAIMTRACK_SCREENSHOTS")  # set to a folder to keep the screenshots

SHOWN = "#claims tbody tr:not([hidden])"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = build_store(tmp_path_factory.mktemp("store") / "claims.duckdb")
    out = tmp_path_factory.mktemp("site") / "report"
    render_site(db, out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    if not Path(CHROMIUM).exists():
        # `make test` installs Chromium, so in CI a missing browser is a failure, not a skip.
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: `make system-packages` should install it")
        pytest.skip(f"no Chromium at {CHROMIUM} (install the Debian package `chromium`)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page with its console errors, uncaught exceptions and dialogs recorded."""

    def __init__(self, page: sync_api.Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: sync_api.Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, site: Path, name: str) -> sync_api.Page:
        self.page.goto((site / name).as_uri())
        self.page.wait_for_load_state("load")
        return self.page


@pytest.fixture
def watched(browser: sync_api.Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Watched(context.new_page())
    context.close()


def visible_rows(page: sync_api.Page) -> list[str]:
    return page.eval_on_selector_all(
        "#claims tbody tr:not([hidden])", "rows => rows.map(r => r.cells[0].innerText.trim())"
    )


def test_index_loads_without_console_errors(site: Path, watched: Watched) -> None:
    page = watched.open(site, "index.html")
    assert page.is_visible("#filters")
    assert len(visible_rows(page)) == 5
    assert watched.errors == []


def test_text_filter_hides_rows(site: Path, watched: Watched) -> None:
    page = watched.open(site, "index.html")
    page.fill("#f-text", "ferry")
    sync_api.expect(page.locator(SHOWN)).to_have_count(2)
    assert all("ferry" in row.lower() for row in visible_rows(page))
    assert page.inner_text("#count") == "Showing 2 of 5 claims."
    page.fill("#f-text", "")
    sync_api.expect(page.locator(SHOWN)).to_have_count(5)


def test_select_filters_combine(site: Path, watched: Watched) -> None:
    page = watched.open(site, "index.html")
    page.select_option("#f-outlet", "The Sentinel")
    assert len(visible_rows(page)) == 3
    page.select_option("#f-flag", "numbers_differ")
    assert len(visible_rows(page)) == 1
    page.select_option("#f-outlet", "")
    page.select_option("#f-flag", "")
    page.select_option("#f-speaker", "Erik Dahl")
    assert [r.startswith("Talks between") for r in visible_rows(page)] == [True]
    assert watched.errors == []


def test_sorting_by_column(site: Path, watched: Watched) -> None:
    page = watched.open(site, "index.html")
    header = page.locator("#claims thead th", has_text="Outlets")

    def outlet_counts() -> list[int]:
        return [
            int(x)
            for x in page.eval_on_selector_all(
                "#claims tbody tr", "rows => rows.map(r => r.cells[1].innerText)"
            )
        ]

    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert outlet_counts() == sorted(outlet_counts()) and outlet_counts()[0] == 1
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert outlet_counts()[0] == 4
    page.locator("#claims thead th", has_text="Claim").get_by_role("button").click()
    first = visible_rows(page)[0]
    assert first.startswith("<script>")  # '<' sorts before letters: the payload is plain text


def test_sort_select_works_without_the_table_header(site: Path, watched: Watched) -> None:
    """On a phone the table header is hidden (rows become cards): the select sorts instead."""
    page = watched.open(site, "index.html")

    def first_seen() -> list[str]:
        return page.eval_on_selector_all(
            "#claims tbody tr", "rows => rows.map(r => r.cells[3].getAttribute('data-sort-value'))"
        )

    page.select_option("#f-sort", "3:descending")
    assert first_seen() == sorted(first_seen(), reverse=True)
    assert first_seen()[0] > first_seen()[-1]
    page.select_option("#f-sort", "rank")
    ranked = visible_rows(page)
    assert ranked[0].startswith("The ferry strike has left 12,000")
    assert watched.errors == []


def test_claim_pages_show_every_mention(site: Path, watched: Watched) -> None:
    page = watched.open(site, "index.html")
    expected = page.eval_on_selector_all(
        "#claims tbody tr",
        "rows => rows.map(r => [r.querySelector('a').getAttribute('href'), +r.cells[2].innerText])",
    )
    for href, n_mentions in expected:
        claim = watched.open(site, href)
        assert claim.locator("li.mention").count() == n_mentions, href
    assert watched.errors == []


def test_xss_payloads_render_as_text_and_run_nothing(site: Path, watched: Watched) -> None:
    pages = [
        "index.html",
        "claims/c_reopen.html",
        "claims/c_strand.html",
        "outlets.html",
        "run.html",
        "matrix.html",
    ]
    pages += [str(p.relative_to(site)) for p in sorted((site / "outlets").glob("*.html"))]
    for name in pages:
        page = watched.open(site, name)
        assert page.evaluate("typeof window.__pwned") == "undefined", name
        assert page.locator("a[href^='javascript']").count() == 0, name
    claim = watched.open(site, "claims/c_reopen.html")
    text = claim.inner_text("li.mention .sentence")
    assert text.startswith("<script>window.__pwned=1</script>Officials said the port <img src=x")
    assert claim.locator("li.mention img").count() == 0
    assert watched.dialogs == []
    assert watched.errors == []


def test_reads_fine_with_scripts_off(site: Path, browser: sync_api.Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    assert not page.is_visible("#filters")  # controls that cannot work stay hidden
    assert page.locator("#claims tbody tr").count() == 5
    assert page.is_visible("text=The ferry strike has left 12,000 passengers stranded")
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(
    "name",
    ["index.html", "claims/c_strand.html", "claims/c_reopen.html", "matrix.html", "run.html",
     "outlets.html", f"outlets/{slug_with_hash('The Sentinel')}.html"],
)  # fmt: skip
def test_fits_the_screen(site: Path, browser: sync_api.Browser, width: int, name: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto((site / name).as_uri())
    # the matrix scrolls inside its own region; the page itself must never scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shot = Path(SHOTS) / f"{name.replace('/', '_')}.{width}.png"
        page.screenshot(path=str(shot), full_page=True)
    context.close()


def test_labels_are_tied_to_controls(site: Path, watched: Watched) -> None:
    page = watched.open(site, "index.html")
    for control in ("f-text", "f-outlet", "f-speaker", "f-flag", "f-sort"):
        assert page.locator(f"label[for='{control}']").count() == 1
        assert (
            page.get_by_label(page.inner_text(f"label[for='{control}']"), exact=True).count() == 1
        )


def test_seeds_site_reads_in_the_browser(claims_db: Path, tmp_path: Path, watched: Watched) -> None:
    """The site of the real pipeline's seeds store: loads clean, filters, links to claims."""
    site = render_site(claims_db, tmp_path / "site").out_dir
    page = watched.open(site, "index.html")
    total = page.locator("#claims tbody tr").count()
    page.select_option("#f-speaker", "John Kirby")
    kirby = len(visible_rows(page))
    assert 0 < kirby < total
    page.select_option("#f-speaker", "")
    page.fill("#f-text", "civilians")
    sync_api.expect(page.locator(SHOWN)).not_to_have_count(total)
    assert all("civilians" in r.lower() for r in visible_rows(page))
    href = page.locator("#claims tbody tr:not([hidden]) a").first.get_attribute("href")
    claim = watched.open(site, str(href))
    assert claim.locator("li.mention").count() >= 1
    assert watched.errors == []
