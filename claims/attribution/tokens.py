"""Tokens of a sentence with absolute offsets and whether each lies inside a quotation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quotes import CLOSERS, DOUBLE_APOSTROPHE, OPENERS, QUOTE_CHARS, QuoteIndex

STRAIGHT_MARKS = {'"', DOUBLE_APOSTROPHE}

_ABBREV = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|Rev|St|Jr|Sr|Maj|Cmdr|Atty|Supt)\."
)

TOKEN_RE = re.compile(
    rf"(?:[A-Z]\.){{2,}}|{_ABBREV}|[A-Z]\.(?=\s+[A-Z])|\d+(?:[.,:]\d+)*"
    r"|\w+(?:[-’'&]\w+)*|''|[^\w\s]"
)

QUOTED_AS_RE = re.compile(r"\bquoted\s+as\s+(?:saying|telling)\b")


@dataclass
class Token:
    text: str
    start: int
    end: int
    quoted: bool
    low: str  # text.lower(), computed once: the cue rules read it for every token

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def is_cap(self) -> bool:
        return self.text[0].isupper()

    @property
    def is_open_quote(self) -> bool:
        return self.text in OPENERS or (self.text in STRAIGHT_MARKS and self.quoted)

    @property
    def is_quote(self) -> bool:
        return self.text in QUOTE_CHARS or self.text == DOUBLE_APOSTROPHE


def tokenize(body: str, start: int, end: int, quotes: QuoteIndex) -> list[Token]:
    """Return the tokens of body[start:end] with absolute offsets and whether each is quoted."""
    tokens = []
    for match in TOKEN_RE.finditer(body, start, end):
        s = match.start()
        text = match.group()
        quoted = quotes.inside(s) or text in CLOSERS or text in STRAIGHT_MARKS
        tokens.append(Token(text, s, match.end(), quoted, text.lower()))
    return tokens
