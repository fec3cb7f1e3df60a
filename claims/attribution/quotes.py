"""Quotation spans in a body: curly or straight marks, quotes left open, quotes running on."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
QUOTE_CHARS = OPENERS + CLOSERS + STRAIGHT
DOUBLE_APOSTROPHE = "''"  # some wires (NYT archives) write quotation marks as two apostrophes
_TAG_RE = re.compile(r"<[A-Za-z/][^<>\n]{0,300}>")
_MARK_RE = re.compile(DOUBLE_APOSTROPHE + r'|["“”„«»]|\n')
# A straight mark after these (or at the start) opens a quotation; otherwise it closes one.
_OPEN_CONTEXT = set(" \t\n([{—–-/:")


@dataclass(frozen=True)
class QuoteSpan:
    """One quotation: offsets of its opening mark and just past its closing mark (or its end).

    `closed` is False when the paragraph ended first (news convention for quotes running on into the
    next paragraph); `uncertain` when the marks could not be paired cleanly.
    """

    start: int
    end: int
    closed: bool = True
    uncertain: bool = False
    mark: int = 1

    @property
    def inner_start(self) -> int:
        return self.start + self.mark

    @property
    def inner_end(self) -> int:
        return self.end - self.mark if self.closed else self.end


def _is_opening(body: str, i: int, open_now: bool = False) -> bool:
    """Whether the mark at `i` opens a quotation: by its shape, or for straight marks (and a
    closing curly mark where nothing is open, as in '”Fear.') by what surrounds it."""
    char = body[i]
    if char in OPENERS:
        return True
    if char in CLOSERS and open_now:
        return False
    width = 2 if body.startswith(DOUBLE_APOSTROPHE, i) else 1
    before = body[i - 1] if i else " "
    after = body[i + width] if i + width < len(body) else " "
    if before in _OPEN_CONTEXT or before == "\xa0":
        return not after.isspace()
    return False


def find_quotes(body: str) -> list[QuoteSpan]:
    """Return the quotations of a body in order, pairing marks within paragraphs."""
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    width = 1
    paragraph_start = 0
    tags = [(m.start(), m.end()) for m in _TAG_RE.finditer(body)]
    for match in _MARK_RE.finditer(body):
        i = match.start()
        if tags and _in_tag(tags, i):
            continue  # attribute values in left-over markup: <tweet author="…">
        if body[i] == "\n":
            if open_at is not None:
                spans.append(_left_open(body, open_at, i, width))
                open_at = None
            paragraph_start = i + 1
        elif _is_opening(body, i, open_at is not None):
            if open_at is not None:
                end = _trim_end(body, i)
                spans.append(QuoteSpan(open_at, end, closed=False, uncertain=True, mark=width))
            open_at, width = i, len(match.group())
        elif open_at is not None:
            spans.append(QuoteSpan(open_at, match.end(), mark=width))
            open_at = None
        else:
            # A closing mark with no opening: the quotation most likely began the paragraph.
            start = _first_text(body, paragraph_start, i)
            spans.append(QuoteSpan(start, match.end(), uncertain=True, mark=0))
    if open_at is not None:
        end = _trim_end(body, len(body))
        spans.append(QuoteSpan(open_at, end, closed=False, uncertain=True, mark=width))
    return spans


def _in_tag(tags: list[tuple[int, int]], i: int) -> bool:
    k = bisect.bisect_right(tags, (i, len(tags) + 10**12)) - 1
    return k >= 0 and tags[k][0] <= i < tags[k][1]


def _left_open(body: str, open_at: int, para_end: int, width: int) -> QuoteSpan:
    """A quotation still open at a paragraph end: fine if the next paragraph re-opens one."""
    rest = body[para_end:].lstrip()
    runs_on = bool(rest) and (rest[0] in OPENERS + STRAIGHT or rest.startswith(DOUBLE_APOSTROPHE))
    end = _trim_end(body, para_end)
    return QuoteSpan(open_at, end, closed=False, uncertain=not runs_on, mark=width)


def _trim_end(body: str, end: int) -> int:
    while end > 0 and body[end - 1].isspace():
        end -= 1
    return end


def _first_text(body: str, start: int, limit: int) -> int:
    while start < limit and body[start].isspace():
        start += 1
    return start


class QuoteIndex:
    """Look-ups over the quotation spans of one body."""

    def __init__(self, spans: list[QuoteSpan]) -> None:
        self.spans = spans
        self._starts = [s.start for s in spans]

    def overlapping(self, start: int, end: int) -> list[QuoteSpan]:
        """Return the spans that overlap [start, end)."""
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        out = []
        while i < len(self.spans) and self.spans[i].start < end:
            if self.spans[i].end > start:
                out.append(self.spans[i])
            i += 1
        return out

    def inside(self, pos: int) -> bool:
        """Return whether the character at `pos` is inside a quotation (marks included)."""
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and self.spans[i].start <= pos < self.spans[i].end
