"""Cleaning: derive the body everything downstream reads, recording each dropped line.

The original text is never changed (the caller stores it). The body is built line by line:
characters normalised, then each line either kept or dropped by a named rule, then kept lines
re-joined into paragraphs separated by a blank line ("\\n\\n").

Rules describe *kinds* of site chrome (share/follow/app/newsletter/cookie/ad-blocker prompts,
breadcrumb trails, "Label | headline" promos, datelines, credits, repeated mastheads and titles),
never one site's strings. Dropping a real sentence is worse than keeping chrome, so every rule is
narrow: most apply only to short lines, and lines opening with a quotation mark are never treated
as calls to action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel

from . import chrome
from .models import DroppedLine


class CleanedText(BaseModel):
    """The cleaned body and the lines removed from the original."""

    body: str
    dropped: list[DroppedLine]


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[^\S\n]+")
_BULLET = re.compile(
    r"^(?:[\u2022\u00b7\u25aa\u25e6\u2023\u2043\u25cf\u25cb\u25a0\u25ba\u25b8\u27a2]|[-*])\s+"
)
_DUPLICATE_WINDOW = 3  # a repeat within this many lines is a doubled block, not a restatement
_TERMINAL = re.compile(r"[.!?\u2026:;\"\u201d\u2019')\]]$")


@dataclass
class _Line:
    no: int
    text: str
    bullet: bool = False
    alone: bool = False  # blank (or nothing) on both sides: not a piece of a broken sentence
    rule: str | None = None


@dataclass
class _Context:
    title_key: str | None
    title_given: bool
    seen: set[str] = field(default_factory=set)
    trail_key: str = ""  # the last breadcrumb dropped: trails end with the page's title


def clean_article(text: str, title: str | None = None) -> CleanedText:
    """Return the cleaned body (paragraphs joined by a blank line) and every dropped line."""
    lines = _read_lines(text)
    context = _Context(title_key=chrome.key(title) if title else None, title_given=bool(title))
    content = [line for line in lines if line.text]
    for index, line in enumerate(content):
        line.rule = _first_rule(line, index, content, context)
        _remember(line, context)
    _drop_promo_headings(content)
    dropped = [DroppedLine(line_no=ln.no, text=ln.text, rule=ln.rule) for ln in content if ln.rule]
    return CleanedText(body="\n\n".join(_paragraphs(lines)), dropped=dropped)


def normalise_line(line: str) -> str:
    """Return a line with invisible characters removed and every run of spaces made one space."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


def _read_lines(text: str) -> list[_Line]:
    """Return the original lines (1-based numbers) normalised, with list bullets removed."""
    lines = []
    # str.splitlines, as the ingest step numbers lines (its overlong-line records share numbering).
    for no, raw in enumerate(text.splitlines(), 1):
        line = _Line(no=no, text=normalise_line(raw))
        stripped = _BULLET.sub("", line.text)
        if stripped != line.text and not chrome.is_subheading(line.text):
            line.text, line.bullet = stripped, True
        lines.append(line)
    for index, line in enumerate(lines):
        before = lines[index - 1].text if index else ""
        after = lines[index + 1].text if index + 1 < len(lines) else ""
        line.alone = not before and not after
    return lines


def _remember(line: _Line, context: _Context) -> None:
    """Record what later lines are compared with: kept lines, the title, the last breadcrumb."""
    if line.rule == "breadcrumb":
        context.trail_key = chrome.key(line.text)
    if line.rule is not None:
        return
    context.seen.add(chrome.key(line.text))
    if context.title_key is None and chrome.is_heading(line.text):
        # Without a given title, the first heading-like kept line is taken as the title.
        context.title_key = chrome.key(line.text)


def _first_rule(line: _Line, index: int, content: list[_Line], context: _Context) -> str | None:
    """Return the name of the first rule that drops the line, or None to keep it."""
    previous = content[index - 1].text if index else ""
    for name, rule in chrome.LINE_RULES:
        if rule(line.text):
            return name
    line_key = chrome.key(line.text)
    if context.title_key and line_key == context.title_key:
        return "title_repeat" if context.title_given or line_key in context.seen else None
    if line_key and context.trail_key.endswith(line_key) and chrome.is_heading(line.text):
        return "title_repeat"
    if line.alone and not previous.endswith(":") and chrome.is_short_fragment(line.text):
        return "short_fragment"
    if chrome.word_count(line.text) >= 3 and _repeats_recent(line, index, content, context):
        return "duplicate_line"
    return None


def _repeats_recent(line: _Line, index: int, content: list[_Line], context: _Context) -> bool:
    """Return whether the line repeats a kept one nearby, or repeats an unpunctuated caption.

    A sentence a live blog repeats far apart is still the outlet's; a caption or a line printed
    twice in a row is page furniture.
    """
    line_key = chrome.key(line.text)
    if line_key not in context.seen:
        return False
    if chrome.is_heading(line.text) or not chrome.ends_sentence(line.text):
        return True
    nearby = content[max(0, index - _DUPLICATE_WINDOW) : index]
    return any(other.rule is None and chrome.key(other.text) == line_key for other in nearby)


def _drop_promo_headings(content: list[_Line]) -> None:
    """Drop a short heading that introduces a dropped call to action (a promo box's title)."""
    for line, following in zip(content, content[1:], strict=False):
        introduces_call = following.rule == "call_to_action" and chrome.is_heading(line.text)
        if line.rule is None and introduces_call:
            line.rule = "promo_heading"


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Return kept lines grouped into paragraphs, re-joining lines broken mid-sentence."""
    paragraphs: list[str] = []
    open_paragraph = False  # whether the next kept line may continue the last paragraph
    for line in lines:
        if not line.text or line.rule:
            open_paragraph = False
        elif open_paragraph and not line.bullet and _continues(paragraphs[-1], line.text):
            paragraphs[-1] = f"{paragraphs[-1]} {line.text}"
        else:
            paragraphs.append(line.text)
            open_paragraph = not line.bullet
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    """Return whether line continues a sentence the previous line broke off."""
    if _TERMINAL.search(previous):
        return False
    if line[:1].islower() or previous.endswith((",", "-", "\u2013", "\u2014", "(")):
        return True
    last_word = previous.rsplit(" ", 1)[-1]
    return last_word.islower() and chrome.word_count(previous) >= 6


def find_published_date(text: str, dayfirst: bool | None = None) -> datetime | None:
    """Return the date a "Published on ..." style dateline gives, or None when none is clear.

    Only lines the cleaner treats as datelines are read, so a date in a sentence never counts.
    A numeric date such as 03/10/2016 is ambiguous: it is read only when `dayfirst` says how,
    or when one part is over 12.
    """
    for raw in text.splitlines()[:60]:
        line = normalise_line(raw)
        if chrome.is_published_dateline(line) or chrome.is_date_line(line):
            found = chrome.parse_date(line, dayfirst)
            if found is not None:
                return found
    return None
