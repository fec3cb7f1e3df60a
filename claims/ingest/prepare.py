"""Preparing one article: metadata and outlet resolved, id computed, body cleaned and split."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from .. import clean, ids
from ..models import ArticleInput, DroppedLine
from ..outlets import resolve_outlet
from ..readers import FileMetadata, FileTooLargeError, NoSentencesError, title_from_text
from ..sentences import split_sentences
from .write import PreparedArticle

log = logging.getLogger(__name__)

_PREVIEW_CHARS = 200


def resolve(
    article: ArticleInput, meta: FileMetadata | None, kind: str, max_line_chars: int
) -> PreparedArticle:
    """Return the article with explicit > metadata-file > text-derived fields, and its id."""
    meta = meta or FileMetadata()
    url = article.url or meta.url
    outlet, rule = resolve_outlet(article.outlet, meta.outlet, url, article.text)
    title = article.title or meta.title or title_from_text(article.text, kind, max_line_chars)
    resolved = article.model_copy(
        update={
            "outlet": outlet,
            "outlet_rule": rule,
            "url": url,
            "title": title,
            "published_at": article.published_at or meta.published_at,
            "author": article.author or meta.author,
        }
    )
    content_hash = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    return PreparedArticle(ids.article_id(outlet, article.text), resolved, content_hash)


def check_size(article: ArticleInput, max_article_chars: int, max_line_chars: int) -> None:
    """Refuse an article whose text, over-long data lines aside, is too long to be one."""
    if len(article.text) <= max_article_chars:
        return
    prose = sum(len(line) for line in article.text.splitlines() if len(line) <= max_line_chars)
    if prose > max_article_chars:
        raise FileTooLargeError(
            f"{prose:,} characters of text is too long for one article (limit "
            f"{max_article_chars:,}); put one article per file or per JSON line",
            path=article.source_path,
            line_no=article.source_line,
        )


def clean_and_split(prepared: PreparedArticle, max_line_chars: int) -> None:
    """Fill in the cleaned body, dropped lines and sentences; raise NoSentencesError if none."""
    article = prepared.article
    text, overlong = blank_overlong_lines(article.text, max_line_chars)
    cleaned = clean.clean_article(text, article.title)
    prepared.clean_text = cleaned.body
    prepared.dropped = sorted(overlong + list(cleaned.dropped), key=lambda d: d.line_no)
    prepared.sentences = split_sentences(cleaned.body)
    if not prepared.sentences:
        raise NoSentencesError(
            no_sentences_reason(prepared.dropped),
            path=article.source_path,
            line_no=article.source_line,
        )
    if article.published_at is None:
        found = published_date_from_text(article.text)
        prepared.article = article.model_copy(update={"published_at": found})


def blank_overlong_lines(text: str, limit: int) -> tuple[str, list[DroppedLine]]:
    """Return text with over-long lines emptied (numbering kept), and records of them."""
    if len(text) <= limit:
        return text, []
    lines = text.splitlines(keepends=True)
    dropped = []
    for number, line in enumerate(lines, start=1):
        content = line.rstrip("\r\n")
        if len(content) > limit:
            # Only a preview is recorded: the full line stays in the article's raw_text.
            preview = f"{content[:_PREVIEW_CHARS]}… [{len(content):,} characters]"
            dropped.append(DroppedLine(line_no=number, text=preview, rule="overlong_line"))
            lines[number - 1] = line[len(content) :]
    return ("".join(lines), dropped) if dropped else (text, [])


def published_date_from_text(text: str) -> datetime | None:
    """Return the publication date the cleaner finds in the text, when it offers that."""
    finder = getattr(clean, "find_published_date", None)
    if finder is None:
        return None
    try:
        found = finder(text)
    except Exception:  # a date is a nicety: never lose an article over it
        log.debug("find_published_date failed", exc_info=True)
        return None
    return found if isinstance(found, datetime) else None


def no_sentences_reason(dropped: list[DroppedLine]) -> str:
    """Return why an article has no sentences, naming the cleaning rules that emptied it."""
    if not dropped:
        return "no sentences in the cleaned article body"
    rules = ", ".join(sorted({d.rule for d in dropped}))
    lines = "line" if len(dropped) == 1 else "lines"
    return f"no sentences left after cleaning ({len(dropped)} {lines} dropped by {rules})"
