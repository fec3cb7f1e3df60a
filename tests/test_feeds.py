"""Feeds: RSS/Atom from a local HTTP server (never the internet) become inbox articles with
url/title/published metadata; seen items are not fetched again; timeouts are transient."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claims import store
from claims.errors import TerminalError, TransientError
from claims.feeds import STATE_FILE, fetch_feeds_into, fetch_url
from claims.ingest import ingest_paths
from claims.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


class FixtureHandler(SimpleHTTPRequestHandler):
    """Serves tests/fixtures/feeds, with {BASE} in feeds replaced by this server's address."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        FixtureHandler.hits.append(self.path)
        if self.path.startswith("/slow/"):
            time.sleep(2.0)  # longer than the client's timeout in the test
        if self.path.endswith(".xml"):
            body = (FIXTURES / self.path.lstrip("/")).read_bytes()
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            body = body.replace(b"{BASE}", base.encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(FixtureHandler, directory=str(FIXTURES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_new_items_become_articles_with_metadata(base, tmp_path):  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    summary = fetch_feeds_into([f"{base}/rss.xml", f"{base}/atom.xml"], inbox, timeout=5)
    assert summary.items_new == 3  # ferry, library, water; the missing page is an error
    assert [url for url, _ in summary.errors] == [f"{base}/news/missing.html"]
    assert "404" in summary.errors[0][1] and not summary.transient
    records = {r["url"]: r for r in map(json.loads, map(Path.read_text, inbox.glob("feed-*.json")))}
    ferry = records[f"{base}/news/ferry.html"]
    assert ferry["title"] == "Council approves new ferry terminal"
    assert ferry["published_at"].startswith("2026-11-03T09:30:00")
    assert "four thousand passengers" in ferry["text"] and "Copyright" not in ferry["text"]
    assert ferry["outlet"] == "Riverside Gazette"
    water = records[f"{base}/news/water.html"]
    assert water["published_at"].startswith("2026-11-05") and water["author"] == "Sam Lee"

    db = tmp_path / "c.duckdb"
    con = store.connect(db)
    result = ingest_paths(con, [inbox], store.start_run(con, "t"), Settings(db=db))
    rows = con.execute("SELECT url, title, published_at FROM articles ORDER BY url").fetchall()
    con.close()
    assert result.articles_new == 3 and result.articles_rejected == 0
    assert (f"{base}/news/ferry.html", "Council approves new ferry terminal") in [
        (u, t) for u, t, _ in rows
    ]
    assert all(p is not None for _, _, p in rows)


def test_items_already_fetched_are_not_fetched_again(base, tmp_path):  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    fetch_feeds_into([f"{base}/rss.xml"], inbox, timeout=5)
    FixtureHandler.hits.clear()
    again = fetch_feeds_into([f"{base}/rss.xml"], inbox, timeout=5)
    assert again.items_new == 0 and again.items_seen == 3  # incl. the page that was missing
    assert FixtureHandler.hits == ["/rss.xml"]
    assert (inbox / STATE_FILE).exists()


def test_timeouts_are_transient_and_bad_feeds_terminal(base, tmp_path):  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    summary = fetch_feeds_into(
        [f"{base}/slow.xml", f"{base}/broken.xml", f"{base}/atom.xml"], inbox, timeout=0.5
    )
    assert summary.items_new == 1  # the good feed still went through
    assert [u for u, _ in summary.transient] == [f"{base}/slow/page.html"]
    assert [u for u, _ in summary.errors] == [f"{base}/broken.xml"]
    with pytest.raises(TransientError):
        summary.raise_if_transient()
    # The timed-out item is not marked seen: a retry fetches it.
    state = json.loads((inbox / STATE_FILE).read_text())
    assert "slow-1" not in state
    with pytest.raises(TransientError):
        fetch_url("http://127.0.0.1:9/closed-port", timeout=1)
    with pytest.raises(TerminalError):
        fetch_url("file:///etc/passwd")
