"""How a mention carries its claim's canonical text: verbatim, edited or paraphrase."""

from __future__ import annotations

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
    return _ratio(words(a), words(b), 0.0)


def _ratio(wa: tuple[str, ...], wb: tuple[str, ...], at_least: float) -> float:
    """Return the ratio, or a cheap upper bound when that is already below `at_least`."""
    if not wa and not wb:
        return 1.0
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
        value = bound()
        if value < at_least:
            return value
    return matcher.ratio()


def copy_kind(text: str, canonical: str, min_ratio: float = EDITED_MIN_RATIO) -> str:
    """Return verbatim (same words after normalising), edited (ratio >= min_ratio), paraphrase."""
    wa, wb = words(text), words(canonical)
    if wa == wb:
        return VERBATIM
    return EDITED if _ratio(wa, wb, min_ratio) >= min_ratio else PARAPHRASE
