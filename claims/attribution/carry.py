"""Sentences without a cue of their own: quotations running on, transcript labels, look-ahead."""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import SentenceSpan
from .lexicon import (
    DOC_HEADS,
    FUNCTION_WORDS,
    ORG_HEADS,
    TITLE_WORDS,
)
from .models import Attribution
from .quotes import QuoteIndex, QuoteSpan
from .resolve import SpeakerHistory

_TEXT_RE = re.compile(r"\w")

# A name opening a paragraph and followed by what they said: "Paul Ryan: FBI Decision …".
_NAME_LABEL_RE = re.compile(
    r"(?<![^\n])[\"“]?((?:[A-Z][\w.’'-]*[ \t]){0,3}[A-Z][\w’'-]*):[ \t]+(?=\S)"
)

# "Q:", "A:" or an upper-case name opening a paragraph of a transcript.
_LABEL_RE = re.compile(r"(?<![^\n])[\"“]?(Q|A|[A-Z][A-Z.'’ -]{1,30}[A-Z.]):[ \t]+(?=\S)")

CARRIED = {"quote_carry", "quote_without_speaker", "quote_recent_speaker"}


def look_ahead(sentences: list[SentenceSpan], quotes: QuoteIndex, out: list[Attribution]) -> None:
    """A quotation whose cue comes later ("A. B," he said. / "A. B." ― Jane Doe) takes that cue."""
    for k in range(len(sentences) - 1, -1, -1):
        if out[k].rule not in CARRIED:
            continue
        spans = quotes.overlapping(sentences[k].start, sentences[k].start + 1)
        if not spans:
            continue
        for m in range(k + 1, len(sentences)):
            credit = out[m].rule == "dash_credit"
            if sentences[m].start >= spans[0].end + (4 if credit else 0):
                break
            if out[m].rule not in CARRIED and out[m].attributed:
                data = out[m].model_dump()
                data.update(
                    kind="direct",
                    quote_start=out[k].quote_start,
                    quote_end=out[k].quote_end,
                    rule="quote_lookahead",
                )
                out[k] = Attribution(**data)
                break


def transcript_label(
    body: str, sentence: SentenceSpan, previous: Attribution | None, history: SpeakerHistory
) -> Attribution | None:
    """Interview transcripts: "Q: …", "FALLIN: …" and the rest of that speaker's paragraph."""
    match = _LABEL_RE.match(body, sentence.start)
    if not (match and (match.group(1) in {"Q", "A"} or _is_transcript(body))):
        match = _NAME_LABEL_RE.match(body, sentence.start)
        if match and not _name_like(match.group(1), history):
            match = None
    if match:
        label = match.group(1)
        speaker = history.names.resolve(label, match.start()) if not label.isupper() else label
        return Attribution(
            kind="direct",
            speaker_as_written=label,
            speaker=speaker,
            speaker_type="person",
            cue=":",
            cue_start=match.end(1),
            cue_end=match.end(1) + 1,
            quote_start=match.end(),
            quote_end=sentence.end,
            rule="transcript_label",
        )
    same_paragraph = (
        previous is not None and "\n" not in body[previous_end(previous) : sentence.start]
    )
    if (
        previous is not None
        and previous.rule in {"transcript_label", "transcript_carry"}
        and (same_paragraph)
    ):
        data = previous.model_dump()
        data.update(quote_start=sentence.start, quote_end=sentence.end, rule="transcript_carry")
        return Attribution(**data)
    return None


def _name_like(label: str, history: SpeakerHistory) -> bool:
    """ "Paul Ryan: …", "Kasich: …" open with a person's name, "The result: …" does not."""
    words = label.split()
    if any(w.lower() in FUNCTION_WORDS or not w[:1].isupper() for w in words):
        return False
    last = words[-1].lower().strip(".")
    if last in ORG_HEADS or last in DOC_HEADS or last in TITLE_WORDS:
        return False
    return len(words) >= 2 or words[-1] in history.names.by_surname


@lru_cache(maxsize=16)  # asked once per labelled sentence; count the labels once per body
def _is_transcript(body: str) -> bool:
    """Whether speaker labels recur ("WALLACE: …", "PENCE: …"), unlike a lone "UPDATE:"."""
    return len(_LABEL_RE.findall(body, 0, 200_000)) >= 3


def previous_end(previous: Attribution) -> int:
    return previous.quote_end or 0


def _sentence_quote(
    body: str, sentence: SentenceSpan, quotes: QuoteIndex
) -> tuple[tuple[int, int] | None, bool]:
    """Return the quoted words of the sentence (clipped to it) and whether the marks were unsure."""
    spans = [
        q for q in quotes.overlapping(sentence.start, sentence.end) if _has_words(body, q, sentence)
    ]
    if not spans:
        return None, False
    start = max(spans[0].inner_start, sentence.start)
    end = min(spans[-1].inner_end, sentence.end)
    return (start, end), any(q.uncertain for q in spans)


def _has_words(body: str, q: QuoteSpan, sentence: SentenceSpan) -> bool:
    part = body[max(q.inner_start, sentence.start) : min(q.inner_end, sentence.end)]
    return bool(_TEXT_RE.search(part))


def _starts_quoted(body: str, sentence: SentenceSpan, quote: tuple[int, int]) -> bool:
    text = body[sentence.start : sentence.end]
    lead = len(text) - len(text.lstrip(" \"“”'‘"))
    return quote[0] <= sentence.start + lead


def _quoted_share(body: str, sentence: SentenceSpan, quotes: QuoteIndex) -> float:
    """Return the share of the sentence's letters that lie inside quotation marks."""
    total = len(_TEXT_RE.findall(body, sentence.start, sentence.end))
    inside = 0
    for q in quotes.overlapping(sentence.start, sentence.end):
        lo, hi = max(q.start, sentence.start), min(q.end, sentence.end)
        inside += len(_TEXT_RE.findall(body, lo, hi))
    return inside / total if total else 0.0


def carry_over(
    body: str, sentence: SentenceSpan, quotes: QuoteIndex, out: list[Attribution]
) -> Attribution:
    """A sentence without a cue: a quotation continuing a recent speaker's, or the outlet's own."""
    quote, uncertain = _sentence_quote(body, sentence, quotes)
    if quote is None or not _starts_quoted(body, sentence, quote):
        return Attribution(rule="no_cue")
    if _quoted_share(body, sentence, quotes) < 0.3:  # "''The Big Short'' was nominated …"
        return Attribution(rule="title_in_quotes")
    for back, previous in enumerate(reversed(out[-4:])):
        if previous.attributed and previous.speaker:
            data = previous.model_dump()
            data.update(
                kind="direct",
                quote_start=quote[0],
                quote_end=quote[1],
                rule="quote_carry" if back == 0 else "quote_recent_speaker",
                uncertain=previous.uncertain or uncertain or back > 0,
            )
            return Attribution(**data)
    return Attribution(
        kind="direct",
        quote_start=quote[0],
        quote_end=quote[1],
        rule="quote_without_speaker",
        uncertain=True,
    )
