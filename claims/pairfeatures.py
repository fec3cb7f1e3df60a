"""Cheap surface signals for a pair of statements: word overlap, numbers, names, negation, length.

Each text is analysed once (`TextInfo`), then every pair costs a few set operations; the result is a
float matrix with one row per pair and one column per name in `FEATURES`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from claims.numbers import (
    AMOUNT_KINDS,
    Quantity,
    amounts_close,
    extract_numbers,
    quantities_conflict,
)

FEATURES = (
    "cosine",
    "content_jaccard",
    "content_containment",
    "bigram_jaccard",
    "unmatched_words",
    "length_log_ratio",
    "number_mismatch",
    "number_only_one_side",
    "name_mismatch",
    "name_substituted",
    "negation_mismatch",
    "word_sequence_ratio",
    "char4_jaccard",
    "extra_words_max",
    "extra_words_min",
    "bigram_containment",
    "trigram_jaccard",
    "length_diff_share",
)

WORD_RE = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
)
_STOPWORDS_TEXT = """
    a an and are as at be been but by for from had has have he her his i in is it its of on or
    our she that the their them they this to was we were which who will with would said says say
    also after over than then there these those into about up out more most other some such only
    so can could may might should do does did not no yes all any both each few own same too very
    s t just now while when where why how what whom if because until against between through during
    before above below under again further once here you your my me him us"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class TextInfo:
    """What the pair features need from one text, computed once per distinct text."""

    words: tuple[str, ...]
    content: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    trigrams: frozenset[tuple[str, str, str]]
    numbers: frozenset[float]
    amounts: tuple[Quantity, ...]
    names: frozenset[str]
    negated: bool
    char4: frozenset[str]


def _names(raw_words: list[str]) -> frozenset[str]:
    """Return lower-cased capitalised words that are not sentence-initial or stopwords."""
    names = set()
    for i, word in enumerate(raw_words):
        low = word.lower()
        if word[0].isupper() and low not in STOPWORDS and (i > 0 or len(raw_words) == 1):
            names.add(low)
    return frozenset(names)


def _negated(words: Sequence[str]) -> bool:
    """Return whether the text contains a negation word or an n't contraction."""
    return any(w in NEGATIONS or w.endswith("n't") for w in words)


def analyse(text: str) -> TextInfo:
    """Return the TextInfo of one text."""
    raw = WORD_RE.findall(text)
    words = tuple(w.lower() for w in raw)
    mentions = extract_numbers(text)
    numbers = frozenset(round(q.value, 6) for q in mentions if not math.isnan(q.value))
    return TextInfo(
        words=words,
        content=frozenset(w for w in words if w not in STOPWORDS),
        bigrams=frozenset(zip(words, words[1:], strict=False)),
        trigrams=frozenset(zip(words, words[1:], words[2:], strict=False)),
        numbers=numbers,
        amounts=tuple(q for q in mentions if q.kind in AMOUNT_KINDS),
        names=_names(raw),
        negated=_negated(words),
        char4=_char_ngrams(text.lower(), 4),
    )


def _char_ngrams(text: str, n: int) -> frozenset[str]:
    """Return the set of character n-grams of text (catches 'cross section' vs 'cross-section')."""
    return frozenset(text[i : i + n] for i in range(len(text) - n + 1))


def _jaccard(a: frozenset, b: frozenset) -> float:
    """Return |a & b| / |a | b|, 1.0 for two empty sets."""
    common = len(a & b) if len(a) <= len(b) else len(b & a)
    union = len(a) + len(b) - common  # without building the union set (hot: 4 calls a pair)
    return common / union if union else 1.0


def _name_features(a: TextInfo, b: TextInfo) -> tuple[float, float]:
    """Return (share of names that the other text never mentions, 1 if both sides have such).

    A name only one side has is often added detail ("fire spokesman Gordon Gay said"); names
    missing on both sides suggest one was swapped for another (Russia vs Iran).
    """
    union = a.names | b.names
    if not union:
        return 0.0, 0.0
    only_a = {n for n in a.names if n not in b.words}
    only_b = {n for n in b.names if n not in a.words}
    return len(only_a | only_b) / len(union), float(bool(only_a) and bool(only_b))


def _disputed_counts(a: TextInfo, b: TextInfo) -> tuple[set[float], set[float]]:
    """Return the values of counts of the same thing that differ by less than a factor of 2.

    "275,000" vs "a quarter-of-a-million civilians" is one claim with a disputed number: the
    pipeline merges it and raises `numbers_differ` instead of splitting it. (On MRPC ignoring
    such counts changes neither F1 nor AP; the pairs that differ there are mostly money/percent.)
    """
    if not a.amounts or not b.amounts:
        return set(), set()
    drop_a, drop_b = set(), set()
    for qa, qb in quantities_conflict(list(a.amounts), list(b.amounts)):
        if qa.kind == "count" and qa.unit_hint and amounts_close(qa, qb):
            drop_a.add(round(qa.value, 6))
            drop_b.add(round(qb.value, 6))
    return drop_a, drop_b


def _number_features(a: TextInfo, b: TextInfo) -> tuple[float, float]:
    """Return (share of numbers not shared, 1 if only one side has numbers)."""
    drop_a, drop_b = _disputed_counts(a, b)
    numbers_a, numbers_b = a.numbers - drop_a, b.numbers - drop_b
    union = numbers_a | numbers_b
    if not union:
        return 0.0, 0.0
    if not numbers_a or not numbers_b:
        return 1.0, 1.0
    return len(numbers_a ^ numbers_b) / len(union), 0.0


def _extra_content(a: TextInfo, b: TextInfo) -> list[float]:
    """Return features of what one side says that the other does not.

    MRPC's non-paraphrases are mostly one sentence plus a clause: the larger one-sided surplus of
    content words, and how much of the shorter text's phrasing the longer one keeps, separate
    "adds a detail" from "says it in other words" better than symmetric overlap does.
    """
    only_a, only_b = len(a.content - b.content), len(b.content - a.content)
    smaller_bigrams = min(len(a.bigrams), len(b.bigrams))
    longer = max(len(a.words), len(b.words), 1)
    return [
        math.log1p(max(only_a, only_b)),
        math.log1p(min(only_a, only_b)),
        len(a.bigrams & b.bigrams) / smaller_bigrams if smaller_bigrams else 1.0,
        _jaccard(a.trigrams, b.trigrams),
        abs(len(a.words) - len(b.words)) / longer,
    ]


def pair_row(a: TextInfo, b: TextInfo, cosine: float) -> list[float]:
    """Return the feature values of one pair, in `FEATURES` order."""
    common = len(a.content & b.content)
    smaller = min(len(a.content), len(b.content))
    number_mismatch, number_one_side = _number_features(a, b)
    name_mismatch, name_substituted = _name_features(a, b)
    return [
        cosine,
        _jaccard(a.content, b.content),
        common / smaller if smaller else 1.0,
        _jaccard(a.bigrams, b.bigrams),
        math.log1p(len(a.content ^ b.content)),
        math.log((max(len(a.words), len(b.words)) + 1) / (min(len(a.words), len(b.words)) + 1)),
        number_mismatch,
        number_one_side,
        name_mismatch,
        name_substituted,
        float(a.negated != b.negated),
        # 2 x longest common word subsequence / total words: exact and symmetric (difflib's
        # ratio approximates it, order-dependently, at ten times the cost).
        Indel.normalized_similarity(a.words, b.words),
        _jaccard(a.char4, b.char4),
        *_extra_content(a, b),
    ]


def with_interactions(features: np.ndarray) -> np.ndarray:
    """Return the features followed by every pairwise product (columns i < j)."""
    upper_i, upper_j = np.triu_indices(features.shape[1], 1)
    return np.hstack([features, features[:, upper_i] * features[:, upper_j]])


def pair_features(
    texts_a: Sequence[str], texts_b: Sequence[str], cosines: np.ndarray
) -> np.ndarray:
    """Return an (n_pairs, len(FEATURES)) float64 matrix, analysing each distinct text once.

    The text features are symmetric, so (a, b) and (b, a) - both found when two new texts are
    each other's neighbours - are computed once; the cosine column is each pair's own.
    """
    cache: dict[str, TextInfo] = {}
    for text in (*texts_a, *texts_b):
        if text not in cache:
            cache[text] = analyse(text)
    slot: dict[tuple[str, str], int] = {}
    where = np.empty(len(texts_a), dtype=np.int64)
    for i, (a, b) in enumerate(zip(texts_a, texts_b, strict=True)):
        where[i] = slot.setdefault((a, b) if a <= b else (b, a), len(slot))
    rows = [pair_row(cache[a], cache[b], 0.0) for a, b in slot]
    out = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))[where]
    out[:, FEATURES.index("cosine")] = np.asarray(cosines, dtype=np.float64)
    return out
