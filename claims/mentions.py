"""Mentions: the statements inside a sentence that claims are built from.

A mention is one of
- `sentence`: a cleaned sentence that states something (not a question, a lead-in fragment or a
  leftover of fewer than `min_mention_words` words);
- `quote`: a direct quotation of at least `min_quote_words` words inside a sentence, so the same
  quote carried inside differently worded sentences still matches (a quote that is the whole
  sentence adds nothing and is skipped);
- `clause`: a clause of a longer sentence that states a quantity ("..., where 250,000 civilians
  are trapped"). Numbers are the most checkable part of news, and outlets often tuck the same
  figure into differently built sentences; the clause lets those figures meet (and disagree).
  Also the sentence's main clause, without an opening framing phrase ("Under that protocol, ...")
  or a trailing circumstance (", which ...", "... amid ..."): outlets wrap the same core fact in
  their own framing and add their own details, and the details make whole sentences differ.

Offsets are into the article's cleaned body, like the sentence offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .ids import digest, normalise_text, text_hash

_WORD = re.compile(r"[^\W_](?:[\w'’.,-]*[^\W_])?")
# Characters trimmed off the ends of a quote or clause: spaces, punctuation and quote marks.
_TRIM = " \t\n,.;:…-–—\"“”‘’'()[]"
_CLOSERS = "\"”’'»)]"
# Where a sentence's clauses part: semicolons, dashes, "but", and a comma before a subordinate
# clause or a participle phrase (", referring to the truce agreed on 9 September").
_SUBORDINATE = (
    r"where|which|who|whom|whose|while|whereas|including|although|though|amid|after|because|as"
    r"|referring|saying|adding|citing|noting"
)
_CLAUSE_BREAK = re.compile(
    rf";\s+|\s+[–—]\s+|,?\s+(?=but\s)|,\s+(?=(?:{_SUBORDINATE})\b)", re.IGNORECASE
)
_CLAUSE_LEAD = re.compile(
    r"(?:(?:where|which|who|whom|whose|while|whereas|including|although|though|but|and|amid"
    r"|after|because|as|however|meanwhile|referring to|saying|adding|citing|noting)\b[,\s]*)+",
    re.IGNORECASE,
)
# An opening framing phrase: a preposition and up to a dozen words before a comma ("Under that
# protocol, ...", "On September 12, 2016, ..."). Without a comma the phrase's end is unknown.
# "At least 300 people, ..." opens with a subject, not a frame.
_FRAMING = re.compile(
    r"(?!at\s+(?:least|most)\b)(?:under|in|on|at|after|before|following|despite|amid|with"
    r"|without|during|since|by)\b(?:\s+[^\s,;:]+){0,12}?,(?:\s+\d{4},)?\s+",
    re.IGNORECASE,
)
_MIN_CUT_WORDS = 3
# Where the main clause ends: a trailing circumstance or subordinate clause.
_MAIN_CLAUSE_END = re.compile(
    rf",?\s+(?=amid(?:st)?\b)|,\s+(?=(?:{_SUBORDINATE})\b)", re.IGNORECASE
)
_CONNECTORS = rf"{_SUBORDINATE}|and|but|or"
# What a main clause does not start with: a connector, or a participle continuing a phrase
# ("Last year's figures, released on Monday, ...": the comma was not the end of a frame).
_NOT_A_CLAUSE_START = re.compile(rf"(?:{_CONNECTORS})\b|[a-z]+(?:ed|ing)\b")
# After a break, a comma and a lower-case word that is not a connector: the break opened an
# inserted clause ("The head of the agency, who visited the camp, warned ..."), not a tail.
_INSERT_CLOSES = re.compile(rf",\s+(?!(?:{_CONNECTORS})\b)[a-z]")
_NUMBER_WORDS = (
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|twenty"
    r"|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?"
    r")\b"
)
_QUANTITY = re.compile(_NUMBER_WORDS, re.IGNORECASE)
_MAYBE_NUMBER = re.compile(
    _NUMBER_WORDS[:-3] + r"|\w+teen|zero|trillions?|half|quarter|third|scores?)\b", re.I
)
_QUOTE_MARK = re.compile(r"[\"“”«»]")


@dataclass(frozen=True)
class Mention:
    """One mention: a sentence, a quote or a clause, with offsets into the cleaned body."""

    mention_id: str
    sentence_id: str
    article_id: str
    kind: str
    char_start: int
    char_end: int
    text: str
    text_hash: str


def has_own_attribution(kind: str | None) -> bool:
    """Return whether a mention of this kind is attributed as its sentence is.

    A clause may be the reporter's words inside a sentence that cites someone ("…," Kirby said,
    referring to the truce agreed on 9 September): its sentence's attribution is not its own.
    """
    return kind != "clause"


def mention_id(sentence_id: str, kind: str, char_start: int, char_end: int) -> str:
    """Return the stable id of a mention: hash of its sentence, kind and offsets."""
    return "m_" + digest(sentence_id, kind, str(char_start), str(char_end))


def may_state_number(text: str) -> bool:
    """Return whether text has a digit or a number word (a cheap test before parsing amounts)."""
    return _MAYBE_NUMBER.search(text) is not None


def count_words(text: str) -> int:
    """Return the number of words (runs of letters or digits; '275,000' is one word)."""
    return len(_WORD.findall(text))


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """Return the case-folded words of a text (punctuation and quote marks dropped)."""
    return tuple(w.casefold().replace("’", "'") for w in _WORD.findall(normalise_text(text)))


def states_something(text: str, min_words: int) -> bool:
    """Return whether a sentence is a statement: long enough, not a question, not a lead-in."""
    core = text.rstrip().rstrip(_CLOSERS).rstrip()
    if core.endswith("?") or core.endswith(":"):
        return False
    found = _WORD.findall(text)
    if len(found) < min_words:
        return False
    # A statement has a verb, and verbs are lower-case: this drops datelines, bylines, banners.
    # Two lower-case words are needed; the generator stops at the second.
    lower = (w for w in found if w[0].islower())
    return next(lower, None) is not None and next(lower, None) is not None


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return (start, end) narrowed past surrounding spaces, punctuation and quote marks."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of the quotations in a sentence, including ones it opens or closes.

    A quote can run across sentences ('"... hostilities. This is not a decision," he said'), so a
    closing mark with no opener means the quote started before the sentence, and an opener with
    no closer means it continues after it.
    """
    if _QUOTE_MARK.search(text) is None:  # most sentences: nothing to scan
        return []
    spans = _curly_spans(text) + _straight_spans(text)
    return sorted(spans)


def _curly_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for pos, ch in enumerate(text):
        if ch in "“«":
            opened = pos + 1 if opened is None else opened
        elif ch in "”»":
            if opened is not None:
                spans.append((opened, pos))
            elif not spans:
                spans.append((0, pos))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def _straight_spans(text: str) -> list[tuple[int, int]]:
    marks = [pos for pos, ch in enumerate(text) if ch == '"']
    spans = []
    if len(marks) % 2:
        lone = marks[0]
        opens = lone == 0 or text[lone - 1].isspace() or text[lone - 1] in "([—–-"
        if opens and len(marks) == 1:
            return [(lone + 1, len(text))]
        spans.append((0, lone))
        marks = marks[1:]
    spans.extend((marks[i] + 1, marks[i + 1]) for i in range(0, len(marks) - 1, 2))
    return spans


_SENTENCE_END = re.compile(r"[.!?][\"”’]?\s+[\"“‘]?[A-Z]")


def quote_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the trimmed (start, end) of each sentence inside a quote ('A. B' gives A and B).

    A quotation of two sentences carries two statements; other outlets often quote just one.
    """
    start, end = trim_span(text, start, end)
    if not _SENTENCE_END.search(text, start, end):
        return [(start, end)]
    from .sentences import split_sentences

    parts = split_sentences(text[start:end])
    return [trim_span(text, start + p.start, start + p.end) for p in parts]


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of the clauses of a sentence: those stating a quantity, and its main
    clause when framing or a trailing clause can be cut off."""
    spans = quantity_clause_spans(text)
    main = main_clause_span(text)
    if main is not None and main not in spans:
        spans.append(main)
    return spans


def main_clause_span(text: str) -> tuple[int, int] | None:
    """Return (start, end) of the sentence without its opening framing phrase and trailing
    circumstance, or None when nothing is cut or the sentence quotes someone (its quotes are
    mentions of their own, and a cut would mix the speaker's words with the reporter's)."""
    if _QUOTE_MARK.search(text):
        return None
    framing = _FRAMING.match(text)
    start = framing.end() if framing and not _NOT_A_CLAUSE_START.match(text, framing.end()) else 0
    start, end = trim_span(text, start, _main_clause_end(text, start))
    # A cut of a word or two ("Meanwhile, ...") leaves what the whole sentence already matches.
    if start >= end or count_words(text) - count_words(text[start:end]) < _MIN_CUT_WORDS:
        return None
    return start, end


def _main_clause_end(text: str, start: int) -> int:
    """Return where the main clause starting at `start` ends: the first break that opens a
    trailing clause rather than an inserted one, else the end of the sentence."""
    for tail in _MAIN_CLAUSE_END.finditer(text, start):
        closing = _INSERT_CLOSES.search(text, tail.end())
        if closing is None:
            return tail.start()
    return len(text)


def quantity_clause_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of the clauses of a sentence that state a quantity."""
    bounds = [0]
    for match in _CLAUSE_BREAK.finditer(text):
        bounds.extend([match.start(), match.end()])
    bounds.append(len(text))
    spans = []
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        lead = _CLAUSE_LEAD.match(text, start)
        start = lead.end() if lead and lead.end() <= end else start
        start, end = trim_span(text, start, end)
        # A clause straddling quotation marks mixes a speaker's words with the reporter's.
        if _QUANTITY.search(text, start, end) and not _QUOTE_MARK.search(text, start, end):
            spans.append((start, end))
    return spans if len(spans) and len(bounds) > 2 else []


def sentence_mentions(
    sentence_id: str,
    article_id: str,
    text: str,
    char_start: int,
    *,
    min_mention_words: int,
    min_quote_words: int,
    quote_span: tuple[int, int] | None = None,
) -> list[Mention]:
    """Return the mentions of one sentence: itself when it states something, its quotes, clauses.

    `quote_span` is the attributed quote's (start, end) in body offsets, when the attribution
    step found one; it is used when it does not overlap a quote found here.
    """
    found: list[Mention] = []

    def add(kind: str, start: int, end: int) -> None:
        piece = text[start:end]
        found.append(
            Mention(
                mention_id(sentence_id, kind, char_start + start, char_start + end),
                sentence_id,
                article_id,
                kind,
                char_start + start,
                char_start + end,
                piece,
                text_hash(piece),
            )
        )

    if states_something(text, min_mention_words):
        add("sentence", 0, len(text))
    whole = words(text)
    for start, end in _quote_candidates(text, char_start, quote_span):
        piece = text[start:end]
        if count_words(piece) >= min_quote_words and words(piece) != whole:
            add("quote", start, end)
    for start, end in clause_spans(text):
        piece = text[start:end]
        if states_something(piece, min_mention_words) and words(piece) != whole:
            add("clause", start, end)
    return _dedupe(found)


def _quote_candidates(
    text: str, char_start: int, quote_span: tuple[int, int] | None
) -> list[tuple[int, int]]:
    spans = [part for s, e in quoted_spans(text) for part in quote_sentences(text, s, e)]
    if quote_span is not None and quote_span[0] is not None and quote_span[1] is not None:
        start = max(quote_span[0] - char_start, 0)
        end = min(quote_span[1] - char_start, len(text))
        if start < end:
            start, end = trim_span(text, start, end)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
    return [(s, e) for s, e in spans if s < e]


def _dedupe(found: list[Mention]) -> list[Mention]:
    """Return mentions with repeated texts of one sentence dropped (a clause equal to a quote)."""
    seen: set[str] = set()
    kept = []
    for mention in found:
        if mention.text_hash not in seen:
            seen.add(mention.text_hash)
            kept.append(mention)
    return kept
