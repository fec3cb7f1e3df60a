"""Feeds: read RSS/Atom, fetch each new item's page, and drop it into the inbox as an article.

Each new item becomes `feed-<digest>.json` in the inbox (text extracted with trafilatura, plus
url, title, published time, author and outlet), which ingest reads like any JSON article. Items
already fetched are listed in `.claimtrack-feeds.json` in the inbox (a hidden file, so ingest does
not read it) and are not fetched again. A timeout or a server error is transient (retrying can
help); a malformed feed or a page with no article text is recorded and skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import feedparser
import trafilatura

from .errors import TerminalError, TransientError

log = logging.getLogger(__name__)

STATE_FILE = ".claimtrack-feeds.json"
USER_AGENT = "claimtrack (+https://github.com/claimtrack)"
DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 8 * 1024 * 1024


@dataclass
class FeedSummary:
    """What one fetch did: items written, items already seen, and failures by feed or item."""

    items_new: int = 0
    items_seen: int = 0
    files: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    transient: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        """Return the counts (and failures) as a small dict for the run summary."""
        return {
            "feed_items_new": self.items_new,
            "feed_items_seen": self.items_seen,
            "feed_errors": [list(e) for e in self.errors + self.transient],
        }

    def raise_if_transient(self) -> None:
        """Raise TransientError if some feed or page failed in a way a retry may fix."""
        if self.transient:
            url, reason = self.transient[0]
            raise TransientError(
                f"{len(self.transient)} fetch(es) failed, first: {reason}", path=url
            )


def fetch_url(url: str, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES) -> bytes:
    """Return the body at an http(s) URL; TransientError for timeouts and 5xx, else Terminal."""
    if urlparse(url).scheme not in ("http", "https"):
        raise TerminalError("only http and https URLs can be fetched", path=url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        error = TransientError if exc.code >= 500 or exc.code == 429 else TerminalError
        raise error(f"HTTP {exc.code} {exc.reason}", path=url) from exc
    except TimeoutError as exc:
        raise TransientError(f"timed out after {timeout:.0f} s", path=url) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise TransientError(f"timed out after {timeout:.0f} s", path=url) from exc
        raise TransientError(f"cannot connect: {exc.reason}", path=url) from exc
    if len(body) > max_bytes:
        raise TerminalError(f"larger than {max_bytes} bytes", path=url)
    return body


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: its stable key, page link and the feed's own metadata."""

    key: str
    link: str
    title: str | None
    published: str | None
    author: str | None
    summary: str | None
    feed_title: str | None


def parse_feed(body: bytes, url: str) -> list[FeedItem]:
    """Return the items of an RSS/Atom document; TerminalError if it is not a feed."""
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise TerminalError(f"not a readable RSS/Atom feed: {parsed.bozo_exception}", path=url)
    feed_title = parsed.feed.get("title")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        items.append(
            FeedItem(
                key=entry.get("id") or link,
                link=link,
                title=entry.get("title"),
                published=_iso_time(entry.get("published_parsed") or entry.get("updated_parsed")),
                author=entry.get("author"),
                summary=entry.get("summary"),
                feed_title=feed_title,
            )
        )
    return items


def _iso_time(parsed: Any) -> str | None:
    """Return feedparser's parsed time (a UTC struct_time) as ISO 8601, or None."""
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()


def item_digest(key: str) -> str:
    """Return the short digest naming an item's inbox file."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def article_record(item: FeedItem, html: str) -> dict[str, Any]:
    """Return the JSON article for a fetched page: extracted text plus url/title/published."""
    doc = trafilatura.bare_extraction(
        html, url=item.link, with_metadata=True, include_comments=False, include_images=False
    )
    text = (getattr(doc, "text", None) or "").strip()
    if not text:
        raise TerminalError("no article text found on the page", path=item.link)
    outlet = getattr(doc, "sitename", None) or item.feed_title or urlparse(item.link).hostname
    return {
        "text": text,
        "title": item.title or getattr(doc, "title", None),
        "url": item.link,
        "published_at": item.published or getattr(doc, "date", None),
        "author": item.author or getattr(doc, "author", None),
        "outlet": outlet,
    }


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` via a hidden temp file and rename, so no scan sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class FeedState:
    """The inbox's record of items already fetched (key → file name)."""

    def __init__(self, inbox: Path) -> None:
        self.path = inbox / STATE_FILE
        self.items: dict[str, str] = {}
        if self.path.exists():
            try:
                self.items = dict(json.loads(self.path.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                log.warning(
                    "%s: unreadable, starting afresh (files already there are kept)", self.path
                )

    def save(self) -> None:
        write_atomically(self.path, json.dumps(self.items, indent=1, sort_keys=True))


def fetch_feeds_into(
    feeds: Sequence[str], inbox: Path, timeout: float = DEFAULT_TIMEOUT
) -> FeedSummary:
    """Return a summary after writing every new item of `feeds` into `inbox` as a JSON article."""
    inbox.mkdir(parents=True, exist_ok=True)
    state = FeedState(inbox)
    summary = FeedSummary()
    for url in feeds:
        try:
            items = parse_feed(fetch_url(url, timeout), url)
        except (TerminalError, TransientError) as exc:
            _record(summary, url, exc)
            continue
        for item in items:
            _fetch_item(item, inbox, state, summary, timeout)
        state.save()  # after each feed, so a later failure keeps what was fetched
    log.info(
        "feeds: %d new item(s), %d already fetched, %d failure(s)",
        summary.items_new,
        summary.items_seen,
        len(summary.errors) + len(summary.transient),
    )
    return summary


def _fetch_item(
    item: FeedItem, inbox: Path, state: FeedState, summary: FeedSummary, timeout: float
) -> None:
    if item.key in state.items:
        summary.items_seen += 1
        return
    try:
        html = fetch_url(item.link, timeout).decode("utf-8", errors="replace")
        record = article_record(item, html)
    except (TerminalError, TransientError) as exc:
        _record(summary, item.link, exc)
        if not exc.transient:
            state.items[item.key] = ""  # never retried: the page has no article
        return
    name = f"feed-{item_digest(item.key)}.json"
    write_atomically(inbox / name, json.dumps(record, ensure_ascii=False, indent=1))
    state.items[item.key] = name
    summary.items_new += 1
    summary.files.append(name)


def _record(summary: FeedSummary, url: str, exc: TerminalError | TransientError) -> None:
    log.warning("%s: %s", url, exc.reason)
    (summary.transient if exc.transient else summary.errors).append((url, exc.reason))
