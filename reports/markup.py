"""Escaped HTML fragments built from untrusted article text: highlights, word diffs, slugs.

Every piece of article text goes through `markupsafe.escape` before it meets a tag we add, so the
templates may print the resulting `*_html` fields without escaping again.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from claims.ids import digest

QuantityReader = Callable[[str], list[Any]]
extract_quantities: QuantityReader | None
try:  # the claims library's number reader knows dates from amounts; the regex is a fallback
    from claims.numbers import extract_quantities
except ImportError:  # pragma: no cover - only while claims.numbers is absent
    extract_quantities = None

_WORD = re.compile(r"\S+")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|dozens|"
    r"half|quarter|third|percent|per cent"
)
# A number as newsrooms write it: 275,000 / 3.5 / 40% / $2bn / a quarter-of-a-million.
_NUMBER = re.compile(
    rf"[$€£]?\d(?:[\d,.]*\d)?(?:\s?%|\s?(?:bn|m|k)\b)?"
    rf"|\b(?:a\s+)?(?:{_NUMBER_WORDS})(?:[-\s](?:of[-\s])?(?:a[-\s])?(?:{_NUMBER_WORDS}))*\b",
    re.IGNORECASE,
)


def highlight_span(text: str, start: int | None, end: int | None, tag: str = "mark") -> Markup:
    """Return `text` escaped, with text[start:end] wrapped in <tag> when the span is valid."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return escape(text)
    return Markup("{}<{tag}>{}</{tag}>{}").format(
        text[:start], text[start:end], text[end:], tag=Markup(tag)
    )


def mention_span(
    sentence: str,
    sentence_start: int | None,
    mention: str,
    mention_at: tuple[int | None, int | None],
    quote_at: tuple[int | None, int | None],
) -> tuple[int | None, int | None]:
    """Return the part of the sentence to highlight, relative to it (None, None for nothing).

    A mention that is part of its sentence (a quote or clause) is highlighted itself; a whole-
    sentence mention highlights the quotation the attribution found. Offsets in the store are
    into the article body, so they are shifted by the sentence's own start.
    """
    if mention and mention != sentence:
        start, end = shift(mention_at, sentence_start)
        if start is not None and end is not None and sentence[start:end] == mention:
            return start, end
        found = sentence.find(mention)
        return (found, found + len(mention)) if found >= 0 else (None, None)
    return shift(quote_at, sentence_start)


def shift(span: tuple[int | None, int | None], origin: int | None) -> tuple[int | None, int | None]:
    """Return a body-offset span relative to `origin`, or (None, None) when anything is unknown."""
    start, end = span
    if origin is None or start is None or end is None:
        return None, None
    return start - origin, end - origin


def word_diff(canonical: str, text: str) -> Markup:
    """Return `text` as escaped HTML, words missing from canonical in <del>, new words in <ins>."""
    old, new = _WORD.findall(canonical), _WORD.findall(text)
    pieces: list[Markup] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(escape(" ".join(new[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(Markup("<del>{}</del>").format(" ".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Markup("<ins>{}</ins>").format(" ".join(new[j1:j2])))
    return Markup(" ").join(pieces)


def same_words(a: str, b: str) -> bool:
    """Return True when the two texts have the same words (ignoring spacing)."""
    return _WORD.findall(a) == _WORD.findall(b)


def number_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the amounts stated in `text`, in order."""
    if extract_quantities is not None:
        try:
            return sorted((q.start, q.end) for q in extract_quantities(text))
        except Exception:  # a reader bug must not stop the site; the regex still marks numbers
            pass
    return [m.span() for m in _NUMBER.finditer(text) if m.group().strip()]


def highlight_numbers(text: str) -> Markup:
    """Return `text` escaped with every stated amount wrapped in <mark class="num">."""
    pieces: list[Markup] = []
    last = 0
    for start, end in number_spans(text):
        if start < last or not 0 <= start < end <= len(text):
            continue
        pieces.append(escape(text[last:start]))
        pieces.append(Markup('<mark class="num">{}</mark>').format(text[start:end]))
        last = end
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def file_stem(identifier: str) -> str:
    """Return a stable file-name stem: the id itself when it is safe, else a slug plus hash."""
    if _SAFE_ID.match(identifier):
        return identifier
    return slug_with_hash(identifier)


def slug_with_hash(name: str, length: int = 40) -> str:
    """Return a lowercase ASCII slug of `name` plus an 8-hex hash, so distinct names never clash."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _SLUG_DROP.sub("-", ascii_name.lower()).strip("-")[:length].strip("-")
    return f"{slug or 'x'}-{digest(name, length=8)}"


def safe_url(url: str | None) -> str | None:
    """Return the URL when it is http(s), else None: a javascript: link must never be rendered."""
    if not url:
        return None
    cleaned = url.strip()
    if re.match(r"^https?://[^\s]+$", cleaned, re.IGNORECASE):
        return cleaned
    return None
