"""Read everything the site shows in a few queries: one per row type, never one per claim."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb


@dataclass(frozen=True, slots=True)
class MentionRow:
    """One mention of a claim, joined with its sentence, attribution and article."""

    claim_id: str
    mention_id: str
    mention_kind: str | None
    text: str
    similarity: float | None
    copy_kind: str | None
    outlet: str
    published_at: datetime | None
    seen_at: datetime
    article_id: str
    title: str | None
    url: str | None
    sentence_text: str
    sentence_start: int | None
    attribution_kind: str | None
    speaker: str | None
    speaker_as_written: str | None
    speaker_title: str | None
    cue: str | None
    via: str | None
    uncertain: bool | None
    quote_start: int | None
    quote_end: int | None
    joined_run_id: str | None
    mention_start: int | None
    mention_end: int | None

    @property
    def attributed(self) -> bool:
        """True when the sentence names a source (any kind but unattributed)."""
        return bool(self.attribution_kind) and self.attribution_kind != "unattributed"


@dataclass(frozen=True, slots=True)
class ClaimRow:
    claim_id: str
    canonical_text: str
    n_outlets: int
    n_mentions: int
    first_seen: datetime
    first_outlet: str
    flags: tuple[str, ...]
    created_run_id: str | None
    updated_run_id: str | None


@dataclass(frozen=True, slots=True)
class FlagRow:
    claim_id: str
    flag: str
    mention_ids: tuple[str, ...]
    detail: str | None
    run_id: str | None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    article_id: str
    outlet: str
    title: str | None
    url: str | None
    published_at: datetime | None
    ingested_at: datetime
    n_sentences: int


@dataclass(frozen=True, slots=True)
class RunRow:
    run_id: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    command: str | None
    counts: str | None
    error: str | None


@dataclass
class StoreData:
    """Everything the site needs, grouped for the page builders."""

    claims: list[ClaimRow]
    mentions: dict[str, list[MentionRow]]
    flags: dict[str, list[FlagRow]]
    articles: list[ArticleRow]
    runs: list[RunRow]
    outlets: list[str] = field(default_factory=list)


CLAIMS_SQL = """
SELECT c.claim_id, c.canonical_text, c.n_outlets, c.n_mentions, c.first_seen, c.first_outlet,
       c.flags, sc.created_run_id, sc.updated_run_id
FROM claims c JOIN store.claims sc USING (claim_id)
ORDER BY c.n_outlets DESC, c.first_seen, c.claim_id
"""

# Published order: the article's time, else when it was ingested (as the claims view does).
MENTIONS_SQL = """
SELECT cm.claim_id, cm.mention_id, cm.mention_kind, cm.text, cm.similarity, cm.copy_kind,
       cm.outlet, cm.published_at, coalesce(a.published_at, a.ingested_at) AS seen_at,
       cm.article_id, a.title, a.url, s.text, s.char_start, s.attribution_kind, s.speaker,
       s.speaker_as_written, s.speaker_title, s.cue, s.via, s.attribution_uncertain,
       s.quote_start, s.quote_end, m.joined_run_id, mn.char_start, mn.char_end
FROM claim_mentions cm
JOIN articles a ON a.article_id = cm.article_id
JOIN sentences s ON s.sentence_id = cm.sentence_id
LEFT JOIN store.claim_members m ON m.mention_id = cm.mention_id
LEFT JOIN store.mentions mn ON mn.mention_id = cm.mention_id
ORDER BY cm.claim_id, seen_at, cm.outlet, cm.article_id, s.position, cm.mention_id
"""

FLAGS_SQL = """
SELECT claim_id, flag, mention_ids, detail, run_id FROM store.claim_flags ORDER BY claim_id, flag
"""

ARTICLES_SQL = """
SELECT a.article_id, a.outlet, a.title, a.url, a.published_at, a.ingested_at,
       (SELECT count(*) FROM store.sentences s WHERE s.article_id = a.article_id)
FROM articles a
ORDER BY a.outlet, coalesce(a.published_at, a.ingested_at), a.article_id
"""

RUNS_SQL = """
SELECT run_id, started_at, finished_at, status, command, CAST(counts AS TEXT), error
FROM runs ORDER BY started_at DESC, run_id DESC
"""


def load_store(con: duckdb.DuckDBPyConnection) -> StoreData:
    """Return all rows the site shows, mentions and flags grouped by claim id."""
    claims = [_claim(r) for r in con.execute(CLAIMS_SQL).fetchall()]
    mentions: dict[str, list[MentionRow]] = defaultdict(list)
    for row in con.execute(MENTIONS_SQL).fetchall():
        mentions[row[0]].append(MentionRow(*row))
    flags: dict[str, list[FlagRow]] = defaultdict(list)
    for row in con.execute(FLAGS_SQL).fetchall():
        flags[row[0]].append(FlagRow(row[0], row[1], tuple(row[2] or ()), row[3], row[4]))
    articles = [ArticleRow(*r) for r in con.execute(ARTICLES_SQL).fetchall()]
    runs = [RunRow(*r) for r in con.execute(RUNS_SQL).fetchall()]
    outlets = sorted(
        {a.outlet for a in articles} | {m.outlet for ms in mentions.values() for m in ms}
    )
    return StoreData(claims, dict(mentions), dict(flags), articles, runs, outlets)


def _claim(row: tuple[Any, ...]) -> ClaimRow:
    return ClaimRow(
        row[0], row[1], row[2], row[3], row[4], row[5], tuple(row[6] or ()), row[7], row[8]
    )
