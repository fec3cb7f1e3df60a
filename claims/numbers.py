"""Quantities stated in text ("275,000", "a quarter-of-a-million civilians"), told apart from dates.

`extract_numbers` finds every number mention with its kind (count, percent, money, date, year,
ordinal, time); `extract_quantities` keeps the ones that state an amount; `quantities_conflict`
pairs the mentions of two texts that give different amounts for the same thing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

# Kinds that state an amount and can therefore disagree between two outlets.
AMOUNT_KINDS = frozenset({"count", "percent", "money"})

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}
FRACTIONS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}
VAGUE = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1e3, "millions": 1e6,
         "billions": 1e9, "tens": 10}  # fmt: skip
ORDINALS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "twentieth", "thirtieth", "hundredth", "thousandth",
}  # fmt: skip
MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
}  # fmt: skip
CURRENCY_SIGNS = {"$": "dollar", "£": "pound", "€": "euro", "¥": "yen"}
CURRENCY_WORDS = {"dollar", "dollars", "euro", "euros", "pound", "pounds", "yen", "yuan"}
QUALIFIERS = {
    "roughly": "approx",
    "about": "approx",
    "around": "approx",
    "approximately": "approx",
    "some": "approx",
    "estimated": "approx",
    "nearly": "approx",
    "almost": "approx",
    "circa": "approx",
    "over": "min",
    "under": "max",
    "below": "max",
}  # two-word hedges ('more than', 'at least', 'up to') are read in _qualifier
# Words between a number and the noun it counts ("21 Turkish-backed rebels", "100 more troops").
SKIP_BEFORE_UNIT = {"more", "additional", "other", "extra", "new", "of", "the", "those", "these",
                    "such", "fewer", "less", "or", "so"}  # fmt: skip
FUNCTION_WORDS = {
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "in", "into", "is", "it", "its", "last", "next", "on", "or", "since", "that", "the",
    "their", "there", "this", "to", "was", "were", "when", "which", "who", "with", "after",
    "before", "ago", "earlier", "later", "than", "said", "says", "per",
}  # fmt: skip
IRREGULAR_PLURALS = {"people": "person", "persons": "person", "children": "child",
                     "men": "man", "women": "woman", "police": "police", "staff": "staff",
                     "personnel": "personnel", "feet": "foot", "mice": "mouse"}  # fmt: skip
TOKEN_RE = re.compile(
    r"[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
    r"|[A-Za-z]+(?:'[a-z]+)?|\.|[^\sA-Za-z0-9]"
)
WORD_TO_NUMBER = set(UNITS) | set(SCALES) | set(FRACTIONS)
# The words a number mention can start with (`_number_at` returns None at any other word token):
# a fast pre-test, so a sentence without any of them (or a digit) is never tokenised.
_STARTERS = frozenset({*ORDINALS, *UNITS, *SCALES, *FRACTIONS, *VAGUE, "a", "an"})
# "a"/"an" start a number only before "dozen", a scale or a fraction, which are all listed.
_MAY_START = re.compile(
    r"[0-9]|(?<![A-Za-z])(?:"
    + "|".join(sorted(_STARTERS - {"a", "an"} | {"dozen"}, key=len, reverse=True))
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """One number mention: its value, the words that state it, and the noun it counts."""

    value: float
    text: str
    start: int
    end: int
    unit_hint: str | None = None
    kind: str = "count"  # count | percent | money | date | year | ordinal | time
    qualifier: str | None = None  # approx | min | max | vague

    def describe(self) -> str:
        """Return the mention as a reader would quote it: 'a quarter-of-a-million civilians'."""
        return f"{self.text} {self.unit_hint}" if self.unit_hint else self.text


class _Tok(NamedTuple):
    """A token with its offsets (a named tuple: a sentence makes dozens, and it builds fast)."""

    text: str
    start: int
    end: int
    low: str  # text.lower(), computed once: the parsers compare it many times per token

    @property
    def is_digits(self) -> bool:
        return "0" <= self.text[0] <= "9"  # ASCII only: '³'.isdigit() is True


def _tokens(text: str) -> list[_Tok]:
    """Return the word, number and punctuation tokens of text with their offsets."""
    return [
        _Tok(t, m.start(), m.end(), t.lower()) for m in TOKEN_RE.finditer(text) for t in (m[0],)
    ]


def _numeric_value(tok: _Tok) -> float:
    """Return the value of a digit token such as '275,000' or '2.5'."""
    return float(tok.text.replace(",", ""))


def _skip_joiners(toks: list[_Tok], i: int, words: frozenset[str] = frozenset()) -> int:
    """Return the index after any hyphens (and the given joiner words) starting at i."""
    while i < len(toks) and (toks[i].text == "-" or toks[i].low in words):
        i += 1
    return i


def _parse_digits(toks: list[_Tok], i: int) -> tuple[float, int]:
    """Parse '2.5 million', '275,000', '3bn' at i; return (value, index after)."""
    value = _numeric_value(toks[i])
    j = i + 1
    if j < len(toks) and toks[j].low in SHORT_SCALES and toks[j].start == toks[i].end:
        return value * SHORT_SCALES[toks[j].low], j + 1
    while j < len(toks) and toks[j].low in SCALES:
        value *= SCALES[toks[j].low]
        j += 1
    return value, j


def _parse_fraction(toks: list[_Tok], i: int) -> tuple[float, int] | None:
    """Parse 'half a million', 'quarter-of-a-million' at i (after any article)."""
    if i >= len(toks) or toks[i].low not in FRACTIONS:
        return None
    j = _skip_joiners(toks, i + 1, frozenset({"of", "a", "an"}))
    if j < len(toks) and toks[j].low in SCALES and toks[j].low != "hundred":
        return FRACTIONS[toks[i].low] * SCALES[toks[j].low], j + 1
    return None


def _parse_cardinal_words(toks: list[_Tok], i: int) -> tuple[float, int] | None:
    """Parse 'two hundred and fifty thousand', 'twenty-one', 'two and a half million'."""
    total, current, j, seen = 0.0, 0.0, i, False
    while j < len(toks):
        low = toks[j].low
        if low in UNITS:
            current += UNITS[low]
        elif low == "hundred" and seen:
            current *= 100
        elif low in SCALES and seen:
            total, current = total + current * SCALES[low], 0.0
        elif low == "and" and seen and _and_a_half(toks, j):
            current += 0.5
            j += 3
            continue
        elif not (seen and low in ("-", "and") and _next_is_number_word(toks, j)):
            break
        seen = seen or low in UNITS
        j += 1
    return (total + current, j) if seen else None


def _and_a_half(toks: list[_Tok], j: int) -> bool:
    """Return whether 'and a half' starts at j."""
    return [t.low for t in toks[j : j + 3]] == ["and", "a", "half"]


def _next_is_number_word(toks: list[_Tok], j: int) -> bool:
    """Return whether the token after j is a number word (so a joiner continues the number)."""
    return j + 1 < len(toks) and toks[j + 1].low in (set(UNITS) | set(SCALES))


def _parse_article_scale(toks: list[_Tok], i: int) -> tuple[float, int] | None:
    """Parse 'a million', 'a hundred thousand', 'a dozen', 'a quarter of a million' at i."""
    if toks[i].low not in ("a", "an"):
        return None
    j = _skip_joiners(toks, i + 1)
    if j < len(toks) and toks[j].low == "dozen":
        return 12.0, j + 1
    value = 1.0
    while j < len(toks) and toks[j].low in SCALES:
        value, j = value * SCALES[toks[j].low], j + 1
    return (value, j) if value > 1 else _parse_fraction(toks, j)


def _parse_amount(toks: list[_Tok], i: int) -> tuple[float, int, str | None] | None:
    """Parse a number phrase at i; return (value, index after, qualifier) or None."""
    tok = toks[i]
    if tok.is_digits:
        value, j = _parse_digits(toks, i)
        return value, j, None
    for parse in (_parse_article_scale, _parse_fraction, _parse_cardinal_words):
        got = parse(toks, i)
        if got is not None:
            return got[0], got[1], None
    if tok.low in VAGUE:
        j = i + 1
        if j + 1 < len(toks) and toks[j].low == "of" and toks[j + 1].low in VAGUE:
            return VAGUE[toks[j + 1].low] * VAGUE[tok.low], j + 2, "vague"
        return VAGUE[tok.low], j, "vague"
    return None


def _prev_word(toks: list[_Tok], i: int, back: int = 1) -> str:
    """Return the lower-cased word `back` tokens before i, skipping full stops ('Sept. 9')."""
    j = i - 1
    while j >= 0 and toks[j].text == ".":
        j -= 1
    j -= back - 1
    return toks[j].low if j >= 0 else ""


def _digit_kind(toks: list[_Tok], i: int) -> tuple[str, int] | None:
    """Return (kind, index after) when the digits at i are a date, time, ordinal or year."""
    tok = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else _Tok("", tok.end, tok.end, "")
    adjacent = bool(nxt.text) and nxt.start == tok.end
    if adjacent and nxt.text in ("/", ":") and i + 2 < len(toks) and toks[i + 2].is_digits:
        j = i + 3
        while j + 1 < len(toks) and toks[j].text in ("/", ":") and toks[j + 1].is_digits:
            j += 2
        return ("time" if nxt.text == ":" else "date"), j
    if nxt.low in ("am", "pm", "a", "p") and _clock_end(toks, i):
        return "time", _clock_end(toks, i)
    is_day = "," not in tok.text and "." not in tok.text and 1 <= _numeric_value(tok) <= 31
    ordinal = adjacent and nxt.low in ("st", "nd", "rd", "th")
    j = i + 2 if ordinal else i + 1
    if is_day and (_prev_word(toks, i) in MONTHS or _month_follows(toks, j)):
        return "date", j
    if ordinal:
        return "ordinal", j
    if _looks_like_year(toks, i):
        return "year", i + 1
    return None


def _clock_end(toks: list[_Tok], i: int) -> int:
    """Return the index after '3 p.m.' / '10 am' starting at i, or 0 when there is none."""
    if toks[i + 1].low in ("am", "pm"):
        return i + 2
    if i + 3 < len(toks) and toks[i + 2].text == "." and toks[i + 3].low == "m":
        return i + 5 if i + 4 < len(toks) and toks[i + 4].text == "." else i + 4
    return 0


def _month_follows(toks: list[_Tok], j: int) -> bool:
    """Return whether a month name follows at j ('9 September', '12th of September')."""
    if j < len(toks) and toks[j].low == "of":
        j += 1
    return j < len(toks) and toks[j].low in MONTHS and toks[j].text[0].isupper()


def _looks_like_year(toks: list[_Tok], i: int) -> bool:
    """Return whether a bare 4-digit number at i is a year rather than a count of things."""
    text = toks[i].text
    if not (len(text) == 4 and text.isdigit() and 1000 <= int(text) <= 2199):
        return False
    unit = _unit_hint(toks, i + 1)
    # '2000 troops' counts troops; '2016 elections' or 'since 2011' is a year.
    return unit is None or not _is_plural(unit) or _prev_word(toks, i) in YEAR_PREPOSITIONS


YEAR_PREPOSITIONS = {"in", "since", "until", "till", "by", "from", "of", "during", "before",
                     "after", "year", "early", "late", "mid"}  # fmt: skip


def _is_plural(word: str) -> bool:
    """Return whether an English noun looks plural."""
    low = word.lower()
    return low in IRREGULAR_PLURALS or (low.endswith("s") and not low.endswith("ss"))


def _unit_hint(toks: list[_Tok], j: int) -> str | None:
    """Return the noun a number at j counts: '100,000 children', '21 Turkish-backed rebels'."""
    if j + 1 < len(toks) and toks[j].text == "-" and toks[j + 1].text.isalpha():
        return toks[j + 1].low  # 'five-year', 'ten-point plan'
    proper = None
    for k in range(j, min(j + 5, len(toks))):
        tok, after_hyphen = toks[k], k > 0 and toks[k - 1].text == "-"
        if tok.text == "-" or after_hyphen or tok.low in SKIP_BEFORE_UNIT:
            continue
        if not tok.text[0].isalpha() or tok.low in FUNCTION_WORDS or tok.low in MONTHS:
            break
        if tok.text[0].isupper():
            proper = tok.low
        elif not _is_participle_before_noun(toks, k):
            # A counted noun is plural ('6.1 struck' is a verb, not a unit); '1 person' is not.
            return tok.low if _is_plural(tok.low) or _is_one(toks, j) else None
    return proper


def _is_one(toks: list[_Tok], j: int) -> bool:
    """Return whether the number just before index j is one ('1 person', 'one soldier')."""
    prev = toks[j - 1].low if j > 0 else ""
    return prev in ("1", "one", "a", "an")


def _is_participle_before_noun(toks: list[_Tok], k: int) -> bool:
    """Return whether the word at k is a modifier like 'trapped' in '275,000 trapped civilians'."""
    if not toks[k].low.endswith("ed") or k + 1 >= len(toks):
        return False
    nxt = toks[k + 1]
    return nxt.text.isalpha() and nxt.text.islower() and nxt.low not in FUNCTION_WORDS


def _qualifier(toks: list[_Tok], i: int) -> str | None:
    """Return approx/min/max from the words before the number at i ('more than', 'roughly')."""
    if i > 0 and toks[i - 1].text in CURRENCY_SIGNS:
        i -= 1
    one, two = _prev_word(toks, i), _prev_word(toks, i, 2)
    if one == "than":
        return {"more": "min", "fewer": "max", "less": "max"}.get(two)
    if one == "to":
        return "max" if two == "up" else None
    if one == "least":
        return "min" if two == "at" else None
    return QUALIFIERS.get(one)


def _amount_kind(toks: list[_Tok], i: int, j: int) -> tuple[str, str | None, int]:
    """Return (kind, unit hint, end index) for the amount spanning toks[i:j]."""
    if i > 0 and toks[i - 1].text in CURRENCY_SIGNS:
        return "money", CURRENCY_SIGNS[toks[i - 1].text], j
    if j < len(toks) and toks[j].text == "%":
        return "percent", "percent", j + 1
    if j < len(toks) and toks[j].low in ("percent", "pct"):
        return "percent", "percent", j + 1
    if j + 1 < len(toks) and toks[j].low == "per" and toks[j + 1].low == "cent":
        return "percent", "percent", j + 2
    if j < len(toks) and toks[j].low in CURRENCY_WORDS:
        return "money", _singular(toks[j].low), j + 1
    return "count", _unit_hint(toks, j), j


def _number_at(text: str, toks: list[_Tok], i: int) -> tuple[Quantity, int] | None:
    """Return the number mention starting at token i and the index after it, or None."""
    tok = toks[i]
    if tok.low in ORDINALS and not (tok.low in FRACTIONS and _parse_fraction(toks, i)):
        return Quantity(float("nan"), tok.text, tok.start, tok.end, None, "ordinal"), i + 1
    if tok.is_digits and (special := _digit_kind(toks, i)) is not None:
        kind, j = special
        return _quantity(text, toks, i, j, float(_numeric_value(tok)), None, kind, None), j
    parsed = _parse_amount(toks, i)
    if parsed is None:
        return None
    value, j, qualifier = parsed
    kind, unit, end = _amount_kind(toks, i, j)
    qualifier = qualifier or _qualifier(toks, i)
    start = i - 1 if kind == "money" and i > 0 and toks[i - 1].text in CURRENCY_SIGNS else i
    return _quantity(text, toks, start, end, value, unit, kind, qualifier), end


def _quantity(
    text: str,
    toks: list[_Tok],
    i: int,
    j: int,
    value: float,
    unit: str | None,
    kind: str,
    qualifier: str | None,
) -> Quantity:
    """Return the Quantity covering toks[i:j] with the exact source text."""
    start, end = toks[i].start, toks[j - 1].end
    return Quantity(value, text[start:end], start, end, unit, kind, qualifier)


def extract_numbers(text: str) -> list[Quantity]:
    """Return every number mention in text (amounts, dates, years, ordinals, times), in order."""
    if _MAY_START.search(text) is None:  # most sentences: no token can start a number
        return []
    toks, found, i = _tokens(text), [], 0
    while i < len(toks):
        if not (toks[i].is_digits or toks[i].low in _STARTERS):
            i += 1
            continue
        got = _number_at(text, toks, i)
        if got is None:
            i += 1
            continue
        found.append(got[0])
        i = max(got[1], i + 1)
    return found


def extract_quantities(text: str) -> list[Quantity]:
    """Return the mentions that state an amount (counts, percentages, money), in order."""
    return [q for q in extract_numbers(text) if q.kind in AMOUNT_KINDS]


def _singular(word: str) -> str:
    """Return a rough singular of an English noun, for comparing units."""
    low = word.lower()
    if low in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[low]
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low


def _sig_figs(value: float) -> int:
    """Return the number of significant digits a stated value carries (250,000 -> 2)."""
    digits = f"{abs(value):.6g}".replace(".", "").lstrip("0")
    if "e" in digits:
        digits = digits.split("e")[0]
    return max(1, len(digits.rstrip("0")))


def _round_sig(value: float, figs: int) -> float:
    """Return value rounded to `figs` significant figures."""
    if value == 0:
        return 0.0
    return round(value, figs - 1 - int(math.floor(math.log10(abs(value)))))


# Two amounts of one thing at most this far apart can be one claim with a disputed number.
DISPUTE_FACTOR = 2.0


def amounts_close(a: Quantity, b: Quantity, factor: float = DISPUTE_FACTOR) -> bool:
    """Return whether two positive amounts are within `factor` of each other ('275,000' vs
    'a quarter-of-a-million'): a disputed figure, not a different statement."""
    low, high = sorted((a.value, b.value))
    return low > 0 and high <= factor * low


def values_agree(a: Quantity, b: Quantity) -> bool:
    """Return whether two amounts state the same value within rounding and their qualifiers."""
    lo, hi = sorted((a.value, b.value))
    if hi - lo <= 0.005 * max(abs(hi), 1e-9):
        return True
    if "min" in (a.qualifier, b.qualifier) or "max" in (a.qualifier, b.qualifier):
        return _bounds_agree(a, b)
    # Rounding tolerance only for large or hedged numbers: '21 rebels' vs '20 rebels' differ.
    if max(abs(a.value), abs(b.value)) < 1000 and not ({a.qualifier, b.qualifier} & {"approx"}):
        return False
    figs = min(_sig_figs(a.value), _sig_figs(b.value))
    return _round_sig(a.value, figs) == _round_sig(b.value, figs)


def _bounds_agree(a: Quantity, b: Quantity) -> bool:
    """Return whether 'more than X' / 'up to X' is consistent with the other amount."""
    for bound, other in ((a, b), (b, a)):
        if bound.qualifier == "min" and other.qualifier != "min":
            return other.value >= bound.value
        if bound.qualifier == "max" and other.qualifier != "max":
            return other.value <= bound.value
    return False


def _same_thing(a: Quantity, b: Quantity, sole_a: bool, sole_b: bool) -> bool:
    """Return whether two amounts count the same thing (same kind and unit noun)."""
    if a.kind != b.kind or "vague" in (a.qualifier, b.qualifier):
        return False
    if a.unit_hint is None or b.unit_hint is None:
        # Without a noun, compare only when each text states exactly one such amount.
        return a.unit_hint is None and b.unit_hint is None and sole_a and sole_b
    return _singular(a.unit_hint) == _singular(b.unit_hint)


def quantities_conflict(
    a: str | list[Quantity], b: str | list[Quantity]
) -> list[tuple[Quantity, Quantity]]:
    """Return pairs (from a, from b) that state different amounts of the same thing."""
    qa = extract_quantities(a) if isinstance(a, str) else [q for q in a if q.kind in AMOUNT_KINDS]
    qb = extract_quantities(b) if isinstance(b, str) else [q for q in b if q.kind in AMOUNT_KINDS]
    sole_a, sole_b = len(qa) == 1, len(qb) == 1
    pairs = []
    for x in qa:
        same = [y for y in qb if _same_thing(x, y, sole_a, sole_b)]
        if any(values_agree(x, y) for y in same):
            continue  # the other text also states x's value for this thing
        for y in same:
            if not any(values_agree(w, y) for w in qa if _same_thing(w, y, sole_a, sole_b)):
                pairs.append((x, y))
    return pairs
