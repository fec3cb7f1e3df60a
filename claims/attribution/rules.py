"""The attribution rules: one attribution per sentence, from its cue or the quotation around it."""

from __future__ import annotations

import re

from ..models import SentenceSpan
from .carry import _sentence_quote, _starts_quoted, carry_over, look_ahead, transcript_label
from .cues import SUBJECTLESS, Candidate, _ends_clause, _first_word, _follows_comma, find_candidates
from .models import Attribution
from .patterns import (
    main_subject_after,
    sentence_subject,
)
from .quotes import QuoteIndex, find_quotes
from .resolve import SpeakerHistory
from .speakers import NameIndex, parse_speaker
from .tokens import Token, tokenize

# Between a cue and the quotation it introduces: nothing, or a short "reporters," / "on Monday:".
_INTRO_GAP_RE = re.compile(r"(?:[\s,:]*|[^.;!?\"“”]{0,50}[,:]\s*)(?:\"|“|'')?")


def attribute_text(body: str, sentences: list[SentenceSpan]) -> list[Attribution]:
    """Return one attribution per sentence of `body`, in order (pure; reads the whole article)."""
    quotes = QuoteIndex(find_quotes(body))
    history = SpeakerHistory(NameIndex.build(body))
    out: list[Attribution] = []
    for sentence in sentences:
        tokens = tokenize(body, sentence.start, sentence.end, quotes)
        # In a transcript the label decides, even over "I think" in the answer.
        label = transcript_label(body, sentence, out[-1] if out else None, history)
        candidate = choose(find_candidates(tokens)) if label is None else None
        if label is not None:
            att = label
        elif candidate is not None:
            att = build(body, sentence, tokens, candidate, quotes, history)
        else:
            att = carry_over(body, sentence, quotes, out)
        history.remember(att)
        out.append(att)
    look_ahead(sentences, quotes, out)
    return out


def choose(candidates: list[Candidate]) -> Candidate | None:
    """Return the cue that governs the sentence; an "according to" after it becomes `via`."""
    usable = [c for c in candidates if c.subject is not None or c.rule in SUBJECTLESS]
    if not usable:
        return None
    trailing = [c for c in usable if c.trailing and c.rule == "subject_cue"]
    best = trailing[-1] if trailing else min(usable, key=lambda c: c.priority)
    if best.via is None and best.rule != "according_to":
        later = [c for c in usable if c.rule == "according_to" and c.cue[0] > best.cue[0]]
        if later:
            best.via = later[0].subject
    return best


def build(
    body: str,
    sentence: SentenceSpan,
    tokens: list[Token],
    cand: Candidate,
    quotes: QuoteIndex,
    history: SpeakerHistory,
) -> Attribution:
    """Return the attribution for a sentence whose cue was found."""
    subject = cand.subject
    if subject is None and cand.rule in {"participle_cue", "infinitive_cue"}:
        # ", saying …": whoever the sentence starts with; "Speaking to CBS, Rubio …": after it
        subject = main_subject_after(tokens, cand.cue[0]) or sentence_subject(tokens)
    opens = cand.rule == "participle_cue" and cand.cue[0] == _first_word(tokens)
    if subject is None and opens and history.seen:  # 'Adding, "…"' continues the last speaker
        return _previous_speaker(body, sentence, tokens, cand, quotes, history)
    if subject is None:
        return _without_speaker(body, sentence, tokens, cand, quotes)
    s_start, s_end = tokens[subject[0]].start, tokens[subject[1] - 1].end
    speaker = parse_speaker(body[s_start:s_end])
    resolved, uncertain = history.resolve(speaker, s_start)
    cue_start, cue_end = tokens[cand.cue[0]].start, tokens[cand.cue[1] - 1].end
    quote, quoted_uncertain = _sentence_quote(body, sentence, quotes)
    kind = _kind(body, sentence, cand, tokens, quote, max(cue_end, s_end), subject)
    via = None
    if cand.via is not None:
        via = body[tokens[cand.via[0]].start : tokens[cand.via[1] - 1].end]
    return Attribution(
        kind=kind,
        speaker_as_written=speaker.as_written,
        speaker=resolved.name,
        speaker_type=resolved.type,
        speaker_title=resolved.title,
        cue=body[cue_start:cue_end],
        cue_start=cue_start,
        cue_end=cue_end,
        quote_start=quote[0] if quote else None,
        quote_end=quote[1] if quote else None,
        via=via,
        rule=cand.rule,
        uncertain=uncertain or quoted_uncertain,
    )


def _previous_speaker(
    body: str,
    sentence: SentenceSpan,
    tokens: list[Token],
    cand: Candidate,
    quotes: QuoteIndex,
    history: SpeakerHistory,
) -> Attribution:
    """A sentence opening with its cue and no subject ("Adding, …") goes to the last speaker."""
    att = _without_speaker(body, sentence, tokens, cand, quotes)
    last = history.seen[-1]
    if att.quote_start is not None and _starts_quoted(body, sentence, (att.quote_start, 0)):
        att.kind = "direct"
    return att.model_copy(
        update={
            "speaker": last.name,
            "speaker_type": last.type,
            "speaker_title": last.title,
            "rule": "participle_previous_speaker",
        }
    )


def _without_speaker(
    body: str, sentence: SentenceSpan, tokens: list[Token], cand: Candidate, quotes: QuoteIndex
) -> Attribution:
    """A report whose source the sentence does not name ("is expected to", "saying" with no
    subject we can find): attributed, but recorded as uncertain."""
    cue_start, cue_end = tokens[cand.cue[0]].start, tokens[cand.cue[1] - 1].end
    quote, _ = _sentence_quote(body, sentence, quotes)
    return Attribution(
        kind="partial" if quote else "indirect",
        cue=body[cue_start:cue_end],
        cue_start=cue_start,
        cue_end=cue_end,
        quote_start=quote[0] if quote else None,
        quote_end=quote[1] if quote else None,
        rule=cand.rule + "_without_speaker",
        uncertain=True,
    )


def _kind(
    body: str,
    sentence: SentenceSpan,
    cand: Candidate,
    tokens: list[Token],
    quote: tuple[int, int] | None,
    clause_end: int,
    subject: tuple[int, int],
) -> str:
    if cand.rule == "according_to":
        return "according_to"
    if quote is not None:
        if _starts_quoted(body, sentence, quote):
            return "direct"
        if quote[0] >= clause_end and _INTRO_GAP_RE.fullmatch(body, clause_end, quote[0]):
            return "direct"
        return "partial"
    cue_at = cand.cue[1] - 1
    if (
        cand.rule == "subject_cue"
        and _follows_comma(tokens, subject[0])
        and _ends_clause(tokens, cue_at)
    ):
        return "according_to"
    return "indirect"
