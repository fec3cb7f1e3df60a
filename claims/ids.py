"""Stable text ids from content hashes, so re-running never duplicates rows."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Return text in NFKC form with whitespace folded and ends trimmed (for hashing)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def digest(*parts: str, length: int = 16) -> str:
    """Return a hex sha256 prefix over the parts, separated so ('ab','c') != ('a','bc')."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


def article_id(outlet: str, text: str) -> str:
    return "a_" + digest(outlet.strip().lower(), normalise_text(text))


def sentence_id(article: str, char_start: int, char_end: int, text: str) -> str:
    return "s_" + digest(article, str(char_start), str(char_end), text)


def text_hash(text: str) -> str:
    """Hash of normalised, case-folded text: identical wire copy gets one hash."""
    return digest(normalise_text(text).casefold(), length=24)
