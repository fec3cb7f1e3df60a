"""Page data for the index and claim pages: small typed objects the templates only print.

Hrefs are relative to the site root; templates prefix them with `root` ("" or "../").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from markupsafe import Markup

from claims.mentions import has_own_attribution

from . import markup
from .load import ClaimRow, FlagRow, MentionRow, StoreData

FLAG_LABELS = {
    "numbers_differ": "numbers differ",
    "speakers_differ": "speakers differ",
    "attribution_dropped": "attribution dropped",
}
FLAG_EXPLAINED = {
    "numbers_differ": "Outlets give different numbers for what is otherwise the same claim.",
    "speakers_differ": "Outlets attribute the same claim to different speakers.",
    "attribution_dropped": (
        "Some outlets attribute the claim to a source; others state it in their own voice."
    ),
}
COPY_LABELS = {"verbatim": "verbatim", "edited": "edited", "paraphrase": "paraphrase"}
KIND_LABELS = {
    "direct": "direct quote",
    "partial": "partial quote",
    "indirect": "reported speech",
    "according_to": "according to",
    "unattributed": "unattributed",
}


@dataclass(frozen=True)
class Badge:
    flag: str
    label: str


@dataclass(frozen=True)
class Attribution:
    kind: str
    kind_label: str
    attributed: bool
    speaker: str | None
    speaker_as_written: str | None
    speaker_title: str | None
    cue: str | None
    via: str | None
    uncertain: bool
    heading: str = "Attribution"


@dataclass(frozen=True)
class MentionView:
    mention_id: str
    outlet: str
    outlet_href: str
    title: str
    url: str | None
    when: str
    when_iso: str
    dated: bool
    sentence_html: Markup
    diff_html: Markup
    same_as_canonical: bool
    attribution: Attribution
    copy_kind: str
    similarity: str


@dataclass(frozen=True)
class TimelinePoint:
    outlet: str
    href: str
    when: str
    when_iso: str
    offset: str
    dated: bool


@dataclass(frozen=True)
class FlagSide:
    outlet: str
    outlet_href: str
    text_html: Markup
    attribution: str


@dataclass(frozen=True)
class FlagView:
    flag: str
    label: str
    explanation: str
    detail: str | None
    sides: list[FlagSide]


@dataclass(frozen=True)
class ClaimPage:
    claim_id: str
    canonical_text: str
    n_outlets: int
    n_mentions: int
    first_seen: str
    first_seen_iso: str
    first_dated: bool
    first_outlet: str
    first_outlet_href: str
    attribution_summary: str
    badges: list[Badge]
    mentions: list[MentionView]
    timeline: list[TimelinePoint]
    flags: list[FlagView]
    undated: bool


@dataclass(frozen=True)
class IndexRow:
    href: str
    canonical_text: str
    n_outlets: int
    n_mentions: int
    first_outlet: str
    first_outlet_href: str
    first_seen: str
    first_seen_iso: str
    first_dated: bool
    attribution_summary: str
    badges: list[Badge]
    outlets_key: str
    speakers_key: str
    flags_key: str


@dataclass(frozen=True)
class IndexPage:
    rows: list[IndexRow]
    outlets: list[str]
    speakers: list[str]
    flags: list[Badge]
    n_claims: int


def claim_href(claim_id: str) -> str:
    return f"claims/{markup.file_stem(claim_id)}.html"


@cache  # a few hundred outlets, looked up once per mention
def outlet_href(outlet: str) -> str:
    return f"outlets/{markup.slug_with_hash(outlet)}.html"


def fmt_time(value: datetime | None) -> str:
    """Return a compact UTC time, the date alone when the source gave no time of day."""
    if value is None:
        return "undated"
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M")


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def fmt_offset(seconds: float) -> str:
    """Return a delay such as 'first', '+45 min', '+3 h', '+2 d 4 h'."""
    if seconds <= 0:
        return "first"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"+{minutes} min"
    hours, days = minutes // 60, minutes // 1440
    if days == 0:
        return f"+{hours} h"
    rest = hours - days * 24
    return f"+{days} d {rest} h" if rest else f"+{days} d"


def speaker_label(m: MentionRow) -> str:
    """Return who the mention is attributed to, for summaries ('unattributed' when nobody)."""
    if not m.attributed:
        return "unattributed"
    name = m.speaker or m.speaker_as_written or "unnamed source"
    # The flags count such a mention as neither attributed nor stated as fact; nor does this.
    return name if has_own_attribution(m.mention_kind) else f"sentence citing {name}"


def attribution_summary(mentions: list[MentionRow]) -> str:
    """Return e.g. 'John Kirby (4 outlets), unattributed (1 outlet)', most outlets first."""
    outlets: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        outlets[speaker_label(m)].add(m.outlet)
    order = sorted(outlets, key=lambda s: (s == "unattributed", -len(outlets[s]), s))
    parts = []
    for speaker in order:
        n = len(outlets[speaker])
        parts.append(f"{speaker} ({n} outlet{'s' if n != 1 else ''})")
    return ", ".join(parts)


def badges(flags: tuple[str, ...] | list[str]) -> list[Badge]:
    return [Badge(f, FLAG_LABELS.get(f, f.replace("_", " "))) for f in flags]


def index_page(data: StoreData) -> IndexPage:
    """Return the claims table, ranked as the claims query orders them, with filter options."""
    rows = [index_row(c, data.mentions.get(c.claim_id, [])) for c in data.claims]
    speakers = sorted({speaker_label(m) for ms in data.mentions.values() for m in ms})
    flags = sorted({f for c in data.claims for f in c.flags})
    return IndexPage(rows, data.outlets, speakers, badges(flags), len(rows))


def index_row(claim: ClaimRow, mentions: list[MentionRow]) -> IndexRow:
    """Return one claims-table row; the *_key fields feed the client-side filter."""
    return IndexRow(
        href=claim_href(claim.claim_id),
        canonical_text=claim.canonical_text,
        n_outlets=claim.n_outlets,
        n_mentions=claim.n_mentions,
        first_outlet=claim.first_outlet,
        first_outlet_href=outlet_href(claim.first_outlet),
        first_seen=fmt_time(claim.first_seen),
        first_seen_iso=iso(claim.first_seen),
        first_dated=first_dated(claim, mentions),
        attribution_summary=attribution_summary(mentions),
        badges=badges(claim.flags),
        outlets_key="|".join(sorted({m.outlet for m in mentions})),
        speakers_key="|".join(sorted({speaker_label(m) for m in mentions})),
        flags_key="|".join(claim.flags),
    )


def first_dated(claim: ClaimRow, mentions: list[MentionRow]) -> bool:
    """True when the claim's first-seen time is a publication date, not an ingest time."""
    return any(m.published_at == claim.first_seen for m in mentions)


def claim_page(claim: ClaimRow, mentions: list[MentionRow], flags: list[FlagRow]) -> ClaimPage:
    """Return everything the claim page shows: mentions in published order, timeline, flags."""
    return ClaimPage(
        claim_id=claim.claim_id,
        canonical_text=claim.canonical_text,
        n_outlets=claim.n_outlets,
        n_mentions=claim.n_mentions,
        first_seen=fmt_time(claim.first_seen),
        first_seen_iso=iso(claim.first_seen),
        first_dated=first_dated(claim, mentions),
        first_outlet=claim.first_outlet,
        first_outlet_href=outlet_href(claim.first_outlet),
        attribution_summary=attribution_summary(mentions),
        badges=badges(claim.flags),
        mentions=[mention_view(m, claim.canonical_text) for m in mentions],
        timeline=timeline(mentions),
        flags=[flag_view(f, mentions) for f in flags],
        undated=any(m.published_at is None for m in mentions),
    )


def attribution(m: MentionRow) -> Attribution:
    kind = m.attribution_kind or "not attributed yet"
    return Attribution(
        kind=kind,
        kind_label=KIND_LABELS.get(kind, kind.replace("_", " ")),
        attributed=m.attributed,
        speaker=m.speaker,
        speaker_as_written=m.speaker_as_written,
        speaker_title=m.speaker_title,
        cue=m.cue,
        via=m.via,
        uncertain=bool(m.uncertain),
        heading="Attribution" if has_own_attribution(m.mention_kind) else "Sentence attribution",
    )


def mention_view(m: MentionRow, canonical: str) -> MentionView:
    """Return one mention row: highlighted sentence, diff against canonical, attribution."""
    start, end = markup.mention_span(
        m.sentence_text,
        m.sentence_start,
        m.text,
        (m.mention_start, m.mention_end),
        (m.quote_start, m.quote_end),
    )
    same = markup.same_words(m.text, canonical)
    return MentionView(
        mention_id=m.mention_id,
        outlet=m.outlet,
        outlet_href=outlet_href(m.outlet),
        title=m.title or "(untitled article)",
        url=markup.safe_url(m.url),
        when=fmt_time(m.seen_at),
        when_iso=iso(m.seen_at),
        dated=m.published_at is not None,
        sentence_html=markup.highlight_span(m.sentence_text, start, end),
        diff_html=Markup("") if same else markup.word_diff(canonical, m.text),
        same_as_canonical=same,
        attribution=attribution(m),
        copy_kind=m.copy_kind or "unknown",
        similarity=f"{m.similarity:.2f}" if m.similarity is not None else "",
    )


def timeline(mentions: list[MentionRow]) -> list[TimelinePoint]:
    """Return each outlet's first appearance, dated ones first, with delays between dated ones.

    An undated article only has its ingest time, which says nothing about when it was
    published, so it gets no delay and goes after the dated ones.
    """
    first: dict[str, MentionRow] = {}
    for m in sorted(mentions, key=first_key):
        first.setdefault(m.outlet, m)
    order = sorted(first.values(), key=lambda m: (*first_key(m), m.outlet))
    t0 = order[0].published_at if order else None
    points = []
    for i, m in enumerate(order):
        if m.published_at is None or t0 is None:
            offset = "no date"
        elif i == 0:
            offset = "first"
        else:
            delay = (m.published_at - t0).total_seconds()
            offset = fmt_offset(delay) if delay > 0 else "same time"
        points.append(
            TimelinePoint(
                m.outlet,
                outlet_href(m.outlet),
                fmt_time(m.seen_at),
                iso(m.seen_at),
                offset,
                m.published_at is not None,
            )
        )
    return points


def first_key(m: MentionRow) -> tuple[bool, datetime]:
    """Sort key: dated mentions by publication time, then undated ones by ingest time."""
    return (m.published_at is None, m.seen_at)


def flag_view(flag: FlagRow, mentions: list[MentionRow]) -> FlagView:
    """Return a flag with its disagreeing mentions side by side (numbers marked if they differ)."""
    by_id = {m.mention_id: m for m in mentions}
    picked = [by_id[i] for i in flag.mention_ids if i in by_id] or mentions
    sides = [flag_side(m, flag.flag) for m in picked]
    return FlagView(
        flag=flag.flag,
        label=FLAG_LABELS.get(flag.flag, flag.flag.replace("_", " ")),
        explanation=FLAG_EXPLAINED.get(flag.flag, ""),
        detail=flag.detail,
        sides=sides,
    )


def flag_side(m: MentionRow, flag: str) -> FlagSide:
    text_html = (
        markup.highlight_numbers(m.text) if flag == "numbers_differ" else markup.escape(m.text)
    )
    who = speaker_label(m)
    if m.attributed and m.speaker_as_written and m.speaker_as_written != who:
        who = f"{who} (as written: {m.speaker_as_written})"
    return FlagSide(m.outlet, outlet_href(m.outlet), Markup(text_html), who)
