"""Sentence splitting with character offsets (pysbd, plus fixes for news writing).

pysbd handles abbreviations, numbers, lists and most quotation cases. On news it still goes wrong
in a few recurring ways, fixed here after segmentation so offsets stay exact:

- a closing quote left at the start of the next sentence (`said. "` / `” He left.`);
- a sentence merged across an unbalanced quote (`agreed. "Rather, ...` where the writer never
  closed the first quotation) — pysbd then protects everything up to the next quote mark;
- a break after a title it does not know (`Pres. Obama`, `Atty. Gen.`, `Amb. Power`), after a
  lowercase abbreviation (`3.5 pct. in May`) or between a time and its day (`10 a.m. Tuesday`);
- no break after an initialism other than U.S./U.K. (`works for the U.N. The agency said`).

Paragraphs (blank-line separated) are split separately: in news a sentence never runs across one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pysbd

from .models import SentenceSpan

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
# Closing quote marks that may be left at the start of the following piece.
_CLOSERS = "\u201d\u2019\"'"
_LEADING_CLOSER = re.compile(r"[\u201d\u2019]|[\"'](?=\s|$)")
# A sentence end followed by a new opening quote and a capital: inside an open straight-quote
# region this means the first quotation was never closed.
_REOPENED_QUOTE = re.compile(r"(?<=[.!?])[ \t\u00a0]+(?=[\"\u201c][A-Z\u2018'])")


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Titles written before a name: never the last word of a sentence when a capital follows.
_TITLES = _vocab(
    "Adm Amb Ald Assemb Atty Brig Capt Cmdr Col Comdr Cpl Det Dr Fr Gen Gov Hon Insp Lt Maj Messrs"
    " Mr Mrs Ms Msgr Pres Prof Pvt Rep Reps Rev Sen Sens Sgt Supt Sec Treas Vice"
)
# Lowercase abbreviations that end a sentence only when a capital follows.
_LOWER_ABBREVIATIONS = _vocab(
    "pct approx est incl excl vs cf a.m p.m e.g i.e ca avg max min mln bln bn yr yrs mos hrs mins"
    " sq ft lbs oz km mi no nos vol ed eds dept govt misc"
)
_DAY_WORDS = _vocab(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Jan Feb Mar Apr May June July Aug"
    " Sept Sep Oct Nov Dec January February March April August September October November"
    " December ET EST EDT PT PST PDT CT GMT BST UTC local"
)
_LAST_WORD = re.compile(r"(?:^|[\s(\[\"\u201c])([A-Za-z][A-Za-z.]*)\.$")
_FIRST_WORD = re.compile(r"[\"\u201c\u2018']?([A-Za-z0-9]+)")
# An initialism followed by a word that starts sentences: pysbd only splits after U.S./U.K.
_INITIALISM_END = re.compile(
    r"\b(?:[A-Z]\.){2,}(?=[ \t\u00a0]+(?:The|A|An|He|She|It|They|We|I|But|However|In|This|That"
    r"|There|His|Her|Their|Its|What|When|Who|Why|How)\b)"
)


# The paragraphs `_plainly_one_sentence` accepts, and the patterns that still make pysbd split
# one (a list item "a." / "iv." / "12." before the stop, pysbd's quote-mark-capital rule).
# Characters are whitelisted: pysbd marks what it protects with rare symbols (∯, ȸ, ♨, ...)
# and would treat such a symbol in the input as its own.
_PLAIN_SENTENCE = re.compile(
    r"[A-Za-z0-9“\"][A-Za-z0-9À-ÖØ-öø-ſ \t\u00a0,;:'\"’‘“”\-–—%$£€&/#*+=@_]*\.?[”\"’]?"
)
_LIST_ITEM_END = re.compile(r"(?:^|\s)(?:[A-Za-z]|[ivxlcdmIVXLCDM]+|\d{1,2})\.[”\"’]?$")
# pysbd's rule that ends a sentence at a quotation opening the text: '"Go" He left.' is two.
_OPENING_QUOTE_ENDS = re.compile(r"“[^”]*[^,]”(?=\s[A-Z])|\"[^\"]*[^,]\"(?=\s[A-Z])")
_QUOTE_THEN_CAPITAL = re.compile(r"[!?.-][\"'“”]\s[A-Z]")
# A stop that ends a sentence in `_plain_sentences`, and what rules that shortcut out: regions
# pysbd protects stops inside (quotations, brackets, "--" asides) and roman list numbers.
_SAFE_STOP = re.compile(r"(?<!\S)([A-Za-z]{3,}|\d{3,})\.(?= [A-Z])")
_PROTECTED_REGION = re.compile(r"[\"“”«»‘()\[\]]|--|(?<!\S)'")
_ROMAN = re.compile(r"[ivxlcdm]+")

_WINDOW = 4000  # characters handed to pysbd at once (see _segment)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    # Built once: construction compiles the language rules. Only `processor()` is used per call
    # because `segment()` stores state on the instance (not thread-safe) and maps offsets by a
    # quadratic regex search; we map offsets ourselves with a moving cursor.
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def split_sentences(body: str) -> list[SentenceSpan]:
    """Return the sentences of a cleaned body with exact offsets: body[start:end] == text."""
    spans: list[SentenceSpan] = []
    for start, end in _paragraphs(body):
        plain = _plain_sentences(body[start:end]) if end - start <= _WINDOW else None
        pieces = [(start + s, start + e) for s, e in plain] if plain else _segment(body, start, end)
        pieces = _fix_leading_closers(body, pieces)
        pieces = _merge_false_breaks(body, pieces)
        pieces = [p for s, e in pieces for p in _split_reopened_quotes(body, s, e)]
        pieces = [p for s, e in pieces for p in _split_after_initialisms(body, s, e)]
        spans.extend(SentenceSpan(start=s, end=e, text=body[s:e]) for s, e in pieces)
    return spans


def _plain_sentences(text: str) -> list[tuple[int, int]] | None:
    """Return the (start, end) of text's sentences when pysbd can only split it one way, else
    None (pysbd decides). A shortcut: pysbd spends about half a millisecond on a paragraph.

    The split is known for a paragraph of plain sentences (see `_plainly_one_sentence`) joined
    by a full stop, a space and a capital, each stop after a word of three or more letters (or
    a number of three or more digits) that pysbd does not list as an abbreviation, with no
    quotation, bracket or double dash that pysbd would protect a stop inside of.
    """
    if _plainly_one_sentence(text):
        return [(0, len(text))]
    if _PROTECTED_REGION.search(text):
        return None
    pieces, start = [], 0
    for stop in _SAFE_STOP.finditer(text):
        word = stop.group(1).casefold()
        if word in _abbreviations() or _ROMAN.fullmatch(word):
            return None
        pieces.append((start, stop.end()))
        start = stop.end() + 1
    pieces.append((start, len(text)))
    if len(pieces) < 2 or not all(_plainly_one_sentence(text[s:e]) for s, e in pieces):
        return None
    return pieces


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """Return every abbreviation pysbd's English rules know (a stop after one may not end)."""
    abbreviation = _segmenter().language_module.Abbreviation
    return frozenset(
        a.strip().casefold()
        for names in (
            abbreviation.ABBREVIATIONS,
            abbreviation.PREPOSITIVE_ABBREVIATIONS,
            abbreviation.NUMBER_ABBREVIATIONS,
        )
        for a in names
    )


def _plainly_one_sentence(text: str) -> bool:
    """Return whether pysbd can only return text whole: a shortcut, since most news paragraphs
    are one sentence and pysbd spends about half a millisecond on each.

    True only when text is words, digits and plain punctuation with at most one full stop, at
    the end or before a closing quote mark: no other sentence-ending mark, line break, bracket
    or ellipsis (pysbd splits on those without a full stop), no list marker before the stop and
    none of pysbd's quote-then-capital breaks. tests/test_sentences.py checks it against pysbd.
    """
    if not _PLAIN_SENTENCE.fullmatch(text) or _LIST_ITEM_END.search(text):
        return False
    return not (_QUOTE_THEN_CAPITAL.search(text) or _OPENING_QUOTE_ENDS.match(text))


def _paragraphs(body: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each blank-line separated paragraph, trimmed of whitespace."""
    pos = 0
    for match in _PARAGRAPH_BREAK.finditer(body):
        yield from _trimmed(body, pos, match.start())
        pos = match.end()
    yield from _trimmed(body, pos, len(body))


def _trimmed(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the span without surrounding whitespace, or nothing when it is blank."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


def _segment(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return pysbd's sentences of body[start:end], segmenting a long paragraph window by window.

    pysbd's time grows faster than the text, so a paragraph longer than a window is cut at a
    space; every sentence but the last of a window is kept and the next window starts at that
    last (perhaps cut) sentence.
    """
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        cut = end if end - pos <= _WINDOW else body.rfind(" ", pos + _WINDOW // 2, pos + _WINDOW)
        cut = pos + _WINDOW if cut <= pos else cut
        pieces = _segment_window(body, pos, cut)
        if cut >= end or len(pieces) < 2:
            spans.extend(pieces)
            pos = cut
        else:
            spans.extend(pieces[:-1])
            pos = pieces[-1][0]
    return spans


def _segment_window(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return pysbd's sentences of body[start:end] as absolute, trimmed spans."""
    text = body[start:end]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sent in _segmenter().processor(text).process():
        piece = sent.strip()
        if not piece:
            continue
        found = text.find(piece, cursor)
        if found < 0:  # pysbd rewrote the piece (rare): give the rest of the paragraph to it
            found = cursor
            piece = text[cursor:].strip()
            if not piece:
                break
        spans.extend(_trimmed(body, start + found, start + found + len(piece)))
        cursor = found + len(piece)
    if spans and start + cursor < end:  # never lose trailing text pysbd dropped
        last_start, _ = spans.pop()
        spans.extend(_trimmed(body, last_start, end))
    return _cover_gaps(body, spans, start, end)


def _cover_gaps(
    body: str, spans: list[tuple[int, int]], start: int, end: int
) -> list[tuple[int, int]]:
    """Return spans with any non-blank text pysbd skipped attached to the preceding sentence."""
    if not spans:
        return list(_trimmed(body, start, end))
    out = [spans[0]] if not body[start : spans[0][0]].strip() else [(start, spans[0][1])]
    for s, e in spans[1:]:
        prev_s, prev_e = out[-1]
        if body[prev_e:s].strip():
            out[-1] = (prev_s, e)
        else:
            out.append((s, e))
    return out


def _fix_leading_closers(body: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return pieces with a closing quote at a piece's start moved to the end of the one before."""
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        while out and s < e and body[s] in _CLOSERS and _LEADING_CLOSER.match(body, s):
            prev_s, _ = out[-1]
            out[-1] = (prev_s, s + 1)
            s += 1
            while s < e and body[s].isspace():
                s += 1
        if s < e:
            out.append((s, e))
    return out


def _merge_false_breaks(body: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return pieces with breaks after titles, lowercase abbreviations and times undone."""
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if out and _is_false_break(body, out[-1], s, e):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _is_false_break(body: str, previous: tuple[int, int], start: int, end: int) -> bool:
    """Return whether the break between previous and the piece at start is not a boundary."""
    if "\n" in body[previous[1] : start]:
        return False
    last = _LAST_WORD.search(body, previous[0], previous[1])
    first = _FIRST_WORD.match(body, start, end)
    if last is None or first is None:
        return False
    word, following = last.group(1), first.group(1)
    if word in _TITLES:
        return following[0].isupper()
    if word.casefold() in _LOWER_ABBREVIATIONS and word.islower():
        return (
            following[0].islower()
            or following[0].isdigit()
            or (word in {"a.m", "p.m"} and following in _DAY_WORDS)
        )
    return False


def _split_after_initialisms(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the piece split after an initialism that ends a sentence ("the U.N. The ...")."""
    for match in _INITIALISM_END.finditer(body, start, end):
        if match.group() not in {"U.S.", "U.K."}:  # pysbd already decides these
            yield from _trimmed(body, start, match.end())
            yield from _split_after_initialisms(body, match.end(), end)
            return
    yield from _trimmed(body, start, end)


def _split_reopened_quotes(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the piece split where a new quotation opens while a straight quote is unclosed."""
    for match in _REOPENED_QUOTE.finditer(body, start, end):
        if _open_quote_before(body, start, match.start()):
            yield start, match.start()
            yield from _split_reopened_quotes(body, match.end(), end)
            return
    yield start, end


def _open_quote_before(body: str, start: int, end: int) -> bool:
    """Return whether a quotation opened in body[start:end] is still open at end."""
    text = body[start:end]
    return text.count('"') % 2 == 1 or text.count("\u201c") > text.count("\u201d")
