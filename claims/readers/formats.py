"""Format readers: plain text, YAML front matter, HTML (trafilatura), JSON Lines and JSON."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import trafilatura
import yaml
from trafilatura.settings import Document

from ..models import ArticleInput
from .errors import FrontMatterError, InputError, JsonLineError, NoArticleTextError
from .metadata import optional_datetime, text_or_none

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".mdown", ".rst"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines"}
JSON_SUFFIXES = {".json"}

_FENCE = re.compile(r"^---[ \t\r]*$")
_FENCE_END = re.compile(r"^(---|\.\.\.)[ \t\r]*$")
_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)
_HTML_TAGS = re.compile(r"<(html|head|body|article|p|div)[\s>]", re.I)
# An extracted page counts as an article only if some paragraph reads like prose; menus, log-in
# forms and cookie notices extract to short fragments.
MIN_PROSE_WORDS = 8
FIELD_ALIASES = {"date": "published_at", "published": "published_at", "link": "url"}
ARTICLE_FIELDS = ("outlet", "title", "url", "published_at", "author")
_MAX_TITLE_CHARS = 500

Item = ArticleInput | InputError


def sniff_format(path: Path, text: str) -> str:
    """Return the format of a file: 'html', 'jsonl', 'json', 'frontmatter' or 'text'."""
    suffix = path.suffix.lower()
    head = text[:4096]
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if _FENCE.match(head.split("\n", 1)[0]):
        return "frontmatter"
    if _HTML_START.match(head):
        return "html"
    if suffix not in TEXT_SUFFIXES:
        return _sniff_unknown(head)
    return "text"


def _sniff_unknown(head: str) -> str:
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    if first.startswith("{") and first.endswith("}"):
        return "jsonl"
    if first.startswith(("[", "{")):
        return "json"
    if len(_HTML_TAGS.findall(head)) >= 2:
        return "html"
    return "text"


def read_articles(path: Path, text: str, kind: str | None = None) -> list[Item]:
    """Return the articles in a decoded file (and per-line errors for JSON Lines)."""
    kind = kind or sniff_format(path, text)
    log.debug("%s: reading as %s", path, kind)
    if kind == "jsonl":
        return list(read_jsonl(path, text))
    if kind == "json":
        return read_json(path, text)
    if kind == "html":
        return [read_html(path, text)]
    if kind == "frontmatter":
        return [read_front_matter(path, text)]
    return [ArticleInput(text=text, source_path=str(path))]


def read_front_matter(path: Path, text: str) -> ArticleInput:
    """Return the article of a text/Markdown file that starts with YAML front matter."""
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if _FENCE_END.match(lines[i])), None)
    if end is None:
        raise FrontMatterError("front matter starts with '---' but has no closing '---'", path=path)
    try:
        fields = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise FrontMatterError(
            f"front matter is not valid YAML: {_yaml_problem(exc)}", path=path
        ) from exc
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise FrontMatterError("front matter is not a mapping of field: value", path=path)
    body = "\n".join(lines[end + 1 :])
    return article_from_fields(fields, body, path, None)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Return PyYAML's context and problem with line numbers counted in the whole file."""
    parts = []
    for text, mark in (
        (getattr(exc, "context", None), getattr(exc, "context_mark", None)),
        (getattr(exc, "problem", None), getattr(exc, "problem_mark", None)),
    ):
        if text:
            # +2: marks count from 0 inside the front matter, which starts after the opening fence.
            parts.append(f"{text} (line {mark.line + 2})" if mark is not None else text)
    return ": ".join(parts) or str(exc).splitlines()[0]


def article_from_fields(
    fields: dict[str, Any], text: str, path: Path, line_no: int | None
) -> ArticleInput:
    """Return an ArticleInput from explicit metadata fields (front matter or a JSON object)."""
    known = {FIELD_ALIASES.get(str(k).lower(), str(k).lower()): v for k, v in fields.items()}
    where = f"{path}:{line_no}" if line_no else path
    outlet = text_or_none(known.get("outlet"))
    return ArticleInput(
        text=text,
        source_path=str(path),
        source_line=line_no,
        title=text_or_none(known.get("title")),
        outlet=outlet,
        outlet_rule="metadata" if outlet else None,
        url=text_or_none(known.get("url")),
        published_at=optional_datetime(known.get("published_at"), where),
        author=_author(known.get("author")),
    )


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        return text_or_none(", ".join(str(v) for v in value if v))
    return text_or_none(value)


def read_jsonl(path: Path, text: str) -> Iterator[Item]:
    """Yield one article per non-blank line, or an error naming the line that is not one."""
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield JsonLineError(
                f"line is not valid JSON: {exc.msg} (column {exc.colno})",
                path=path,
                line_no=line_no,
            )
            continue
        yield _article_from_json(value, path, line_no)


def read_json(path: Path, text: str) -> list[Item]:
    """Return the article(s) of a JSON file: one object, or a list of objects."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonLineError(
            f"file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", path=path
        ) from exc
    if isinstance(value, list):
        return [_article_from_json(v, path, i) for i, v in enumerate(value, start=1)]
    return [_article_from_json(value, path, None)]


def _article_from_json(value: Any, path: Path, line_no: int | None) -> Item:
    if not isinstance(value, dict):
        return JsonLineError("not a JSON object with a 'text' field", path=path, line_no=line_no)
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        return JsonLineError("no 'text' field with article text", path=path, line_no=line_no)
    return article_from_fields(value, text, path, line_no)


def read_html(path: Path, html: str) -> ArticleInput:
    """Return the main text and metadata of an HTML page, extracted with trafilatura."""
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_images=False
        )
    except Exception as exc:  # lxml and trafilatura raise many types on broken markup
        raise NoArticleTextError(f"HTML page could not be parsed: {exc}", path=path) from exc
    if not isinstance(doc, Document) or not _has_prose(doc.text or ""):
        raise NoArticleTextError("no article text found in the HTML page", path=path)
    outlet = text_or_none(doc.sitename)
    return ArticleInput(
        text=doc.text or "",
        source_path=str(path),
        title=text_or_none(doc.title),
        outlet=outlet,
        outlet_rule="metadata" if outlet else None,
        url=text_or_none(doc.url),
        published_at=optional_datetime(doc.date, path),
        author=text_or_none(doc.author),
    )


def _has_prose(text: str) -> bool:
    return any(len(line.split()) >= MIN_PROSE_WORDS for line in text.splitlines())


def title_from_text(text: str, kind: str, max_chars: int) -> str | None:
    """Return the title a text gives by convention: a plain text's first non-empty line, or a
    Markdown file's leading `#` heading; None for formats where the first line is body text."""
    for line in text.splitlines():
        line = line.strip()
        if not line or len(line) > max_chars:
            continue
        if kind == "text" or line.startswith("#"):
            return line.lstrip("#").strip()[:_MAX_TITLE_CHARS] or None
        return None
    return None
