"""How a mention carries its claim's canonical text: verbatim, edited or paraphrase."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from .mentions import words

VERBATIM = "verbatim"
EDITED = "edited"
PARAPHRASE = "paraphrase"

# Token-level similarity at or above which a text counts as an edit of the other (a word or two
# changed, added or cut in a sentence of a dozen words), not a rewrite.
EDITED_MIN_RATIO = 0.8


def token_ratio(a: str, b: str) -> float:
    """Return difflib's similarity ratio (0..1) over the two texts' normalised words."""
    wb = words(b)
    return _ratio(words(a), wb, _matcher(wb), 0.0)


def _matcher(canonical: tuple[str, ...]) -> SequenceMatcher[str]:
    """Return a matcher against `canonical`: difflib indexes that side once, for every text."""
    return SequenceMatcher(None, (), canonical, autojunk=False)


def _ratio(
    wa: tuple[str, ...], wb: tuple[str, ...], matcher: SequenceMatcher[str], at_least: float
) -> float:
    """Return the ratio, or a cheap upper bound when that is already below `at_least`."""
    if not wa and not wb:
        return 1.0
    matcher.set_seq1(wa)
    for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
        value = bound()
        if value < at_least:
            return value
    return matcher.ratio()


def copy_kind(text: str, canonical: str, min_ratio: float = EDITED_MIN_RATIO) -> str:
    """Return verbatim (same words after normalising), edited (ratio >= min_ratio), paraphrase."""
    return copy_kinds([text], canonical, min_ratio)[0]


def copy_kinds(
    texts: Sequence[str], canonical: str, min_ratio: float = EDITED_MIN_RATIO
) -> list[str]:
    """Return the copy kind of each text against one canonical text (see `copy_kind`)."""
    wb = words(canonical)
    matcher = _matcher(wb)
    kinds = []
    for text in texts:
        wa = words(text)
        if wa == wb:
            kinds.append(VERBATIM)
        else:
            ratio = _ratio(wa, wb, matcher, min_ratio)
            kinds.append(EDITED if ratio >= min_ratio else PARAPHRASE)
    return kinds
