"""Page data for the outlet pages, the coverage matrix and the run page."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from . import markup
from .load import ArticleRow, ClaimRow, FlagRow, MentionRow, RunRow, StoreData
from .pages import Badge, badges, claim_href, fmt_time, iso, outlet_href, speaker_label

COPY_RANK = {"verbatim": 0, "edited": 1, "paraphrase": 2}
COPY_ABBR = {"verbatim": "V", "edited": "E", "paraphrase": "P"}


@dataclass(frozen=True)
class ArticleView:
    title: str
    url: str | None
    when: str
    when_iso: str
    n_sentences: int


@dataclass(frozen=True)
class OutletClaim:
    href: str
    canonical_text: str
    n_outlets: int
    copy_kind: str
    attributed: bool
    speakers: str
    others: str
    badges: list[Badge]


@dataclass(frozen=True)
class OutletPage:
    outlet: str
    href: str
    articles: list[ArticleView]
    claims: list[OutletClaim]
    n_attributed: int
    n_own_voice: int
    pct_attributed: int
    dropped: list[OutletClaim]


@dataclass(frozen=True)
class OutletSummary:
    outlet: str
    href: str
    n_articles: int
    n_claims: int


@dataclass(frozen=True)
class MatrixCell:
    carried: bool
    copy_kind: str
    abbr: str
    attributed: bool
    label: str


@dataclass(frozen=True)
class MatrixRow:
    href: str
    canonical_text: str
    n_outlets: int
    cells: list[MatrixCell]


@dataclass(frozen=True)
class MatrixPage:
    outlets: list[OutletSummary]
    rows: list[MatrixRow]
    n_claims_total: int
    n_outlets_total: int


@dataclass(frozen=True)
class RunClaim:
    href: str
    canonical_text: str
    n_outlets: int
    outlets: str
    badges: list[Badge]


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    started: str
    finished: str
    status: str
    command: str
    error: str | None
    counts: list[tuple[str, str]]


@dataclass(frozen=True)
class RunSection:
    key: str
    heading: str
    column: str
    empty: str
    items: list[RunClaim]


@dataclass(frozen=True)
class RunPage:
    run: RunSummary | None
    sections: list[RunSection]
    history: list[RunSummary]


def best_carry(mentions: list[MentionRow]) -> tuple[str, bool]:
    """Return the closest copy kind among an outlet's mentions and whether any was attributed."""
    kinds = sorted((m.copy_kind or "unknown" for m in mentions), key=lambda k: COPY_RANK.get(k, 9))
    return kinds[0], any(m.attributed for m in mentions)


def by_outlet(mentions: list[MentionRow]) -> dict[str, list[MentionRow]]:
    grouped: dict[str, list[MentionRow]] = defaultdict(list)
    for m in mentions:
        grouped[m.outlet].append(m)
    return grouped


def outlet_summaries(data: StoreData) -> list[OutletSummary]:
    """Return every outlet with its article and claim counts, most claims first."""
    n_articles: dict[str, int] = defaultdict(int)
    for a in data.articles:
        n_articles[a.outlet] += 1
    n_claims: dict[str, int] = defaultdict(int)
    for ms in data.mentions.values():
        for outlet in {m.outlet for m in ms}:
            n_claims[outlet] += 1
    rows = [OutletSummary(o, outlet_href(o), n_articles[o], n_claims[o]) for o in data.outlets]
    return sorted(rows, key=lambda r: (-r.n_claims, r.outlet))


def outlet_pages(data: StoreData) -> list[OutletPage]:
    """Return one page per outlet: articles, claims carried, attribution share, dropped sources."""
    articles: dict[str, list[ArticleRow]] = defaultdict(list)
    for a in data.articles:
        articles[a.outlet].append(a)
    carried: dict[str, list[OutletClaim]] = defaultdict(list)
    for claim in data.claims:
        grouped = by_outlet(data.mentions.get(claim.claim_id, []))
        for outlet, mentions in grouped.items():
            carried[outlet].append(outlet_claim(claim, outlet, mentions, grouped))
    return [outlet_page(o, articles[o], carried[o]) for o in data.outlets]


def outlet_claim(
    claim: ClaimRow, outlet: str, mentions: list[MentionRow], grouped: dict[str, list[MentionRow]]
) -> OutletClaim:
    copy_kind, attributed = best_carry(mentions)
    others = sorted(
        {
            f"{speaker_label(m)} ({o})"
            for o, ms in grouped.items()
            if o != outlet
            for m in ms
            if m.attributed
        }
    )
    return OutletClaim(
        href=claim_href(claim.claim_id),
        canonical_text=claim.canonical_text,
        n_outlets=claim.n_outlets,
        copy_kind=copy_kind,
        attributed=attributed,
        speakers=", ".join(sorted({speaker_label(m) for m in mentions})),
        others=", ".join(others),
        badges=badges(claim.flags),
    )


def outlet_page(outlet: str, articles: list[ArticleRow], claims: list[OutletClaim]) -> OutletPage:
    n_attr = sum(c.attributed for c in claims)
    return OutletPage(
        outlet=outlet,
        href=outlet_href(outlet),
        articles=[
            ArticleView(
                a.title or "(untitled article)",
                markup.safe_url(a.url),
                fmt_time(a.published_at),
                iso(a.published_at),
                a.n_sentences,
            )
            for a in articles
        ],
        claims=claims,
        n_attributed=n_attr,
        n_own_voice=len(claims) - n_attr,
        pct_attributed=round(100 * n_attr / len(claims)) if claims else 0,
        dropped=[c for c in claims if not c.attributed and c.others],
    )


def matrix_page(data: StoreData, top_claims: int = 60, max_outlets: int = 40) -> MatrixPage:
    """Return the coverage grid: top claims (index order) x outlets with the most claims."""
    outlets = outlet_summaries(data)[:max_outlets]
    rows = []
    for claim in data.claims[:top_claims]:
        grouped = by_outlet(data.mentions.get(claim.claim_id, []))
        cells = [matrix_cell(grouped.get(o.outlet)) for o in outlets]
        rows.append(
            MatrixRow(claim_href(claim.claim_id), claim.canonical_text, claim.n_outlets, cells)
        )
    return MatrixPage(outlets, rows, len(data.claims), len(data.outlets))


def matrix_cell(mentions: list[MentionRow] | None) -> MatrixCell:
    if not mentions:
        return MatrixCell(False, "", "", False, "not carried")
    copy_kind, attributed = best_carry(mentions)
    label = f"{copy_kind}, {'attributed' if attributed else 'own voice'}"
    return MatrixCell(True, copy_kind, COPY_ABBR.get(copy_kind, "?"), attributed, label)


def run_summary(run: RunRow) -> RunSummary:
    counts: list[tuple[str, str]] = []
    if run.counts:
        try:
            parsed = json.loads(run.counts)
        except ValueError:
            parsed = {}
        if isinstance(parsed, dict):
            # scalar counts only: id lists and error records belong in SQL, not on this page
            counts = [
                (str(k), str(v))
                for k, v in sorted(parsed.items())
                if isinstance(v, int | float | str) and not isinstance(v, bool)
            ]
    return RunSummary(
        run.run_id,
        fmt_time(run.started_at),
        fmt_time(run.finished_at) if run.finished_at else "—",
        run.status,
        run.command or "",
        run.error,
        counts,
    )


def run_page(data: StoreData, history: int = 20) -> RunPage:
    """Return what the latest run added: new claims, claims that gained outlets, new flags."""
    if not data.runs:
        return RunPage(None, [], [])
    run_id = data.runs[0].run_id
    new_claims, gained, new_flags = [], [], []
    for claim in data.claims:
        mentions = data.mentions.get(claim.claim_id, [])
        if claim.created_run_id == run_id:
            new_claims.append(run_claim(claim, {m.outlet for m in mentions}))
        elif added := outlets_added(mentions, run_id):
            gained.append(run_claim(claim, added))
        if any(f.run_id == run_id for f in data.flags.get(claim.claim_id, [])):
            new_flags.append(
                run_claim(claim, set(), new_flag_badges(data.flags[claim.claim_id], run_id))
            )
    summaries = [run_summary(r) for r in data.runs[:history]]
    sections = [
        RunSection("new", "New claims", "Carried by", "No new claims in this run.", new_claims),
        RunSection(
            "gained",
            "Claims that gained outlets",
            "New outlets",
            "No claim gained an outlet in this run.",
            gained,
        ),
        RunSection("flags", "New flags", "New flags", "No new flags in this run.", new_flags),
    ]
    return RunPage(summaries[0], sections, summaries)


def outlets_added(mentions: list[MentionRow], run_id: str) -> set[str]:
    """Return outlets whose every mention of the claim joined in `run_id` (new to the claim)."""
    joined_now = {m.outlet for m in mentions if m.joined_run_id == run_id}
    before = {m.outlet for m in mentions if m.joined_run_id != run_id}
    return joined_now - before


def new_flag_badges(flags: list[FlagRow], run_id: str) -> list[Badge]:
    return badges([f.flag for f in flags if f.run_id == run_id])


def run_claim(
    claim: ClaimRow, outlets: set[str], flag_badges: list[Badge] | None = None
) -> RunClaim:
    return RunClaim(
        claim_href(claim.claim_id),
        claim.canonical_text,
        claim.n_outlets,
        ", ".join(sorted(outlets)),
        badges(claim.flags) if flag_badges is None else flag_badges,
    )
