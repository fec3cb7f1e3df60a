"""The attribute step: attribution rows for every stored sentence that has none yet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb

from ..models import SentenceSpan
from ..store import transaction
from .rules import attribute_text

ARTICLES_PER_BATCH = 200
COLUMNS = (
    "sentence_id",
    "kind",
    "speaker_as_written",
    "speaker",
    "speaker_type",
    "speaker_title",
    "cue",
    "cue_start",
    "cue_end",
    "quote_start",
    "quote_end",
    "via",
    "rule",
    "uncertain",
    "run_id",
)

# Column types for the unnest insert (the others are TEXT).
_TYPES = {
    "cue_start": "INTEGER",
    "cue_end": "INTEGER",
    "quote_start": "INTEGER",
    "quote_end": "INTEGER",
    "uncertain": "BOOLEAN",
}

_PENDING_SQL = """
SELECT DISTINCT s.article_id FROM store.sentences s
LEFT JOIN store.attributions a ON a.sentence_id = s.sentence_id
WHERE a.sentence_id IS NULL ORDER BY s.article_id
"""


def attribute_pending(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Attribute every sentence without an attribution row; return how many rows were written."""
    pending = [row[0] for row in con.execute(_PENDING_SQL).fetchall()]
    written = 0
    for start in range(0, len(pending), ARTICLES_PER_BATCH):
        rows = list(_rows_for(con, pending[start : start + ARTICLES_PER_BATCH], run_id))
        with transaction(con):
            _insert(con, rows)
        written += len(rows)
    return written


def _rows_for(
    con: duckdb.DuckDBPyConnection, article_ids: list[str], run_id: str
) -> Iterator[tuple[Any, ...]]:
    """Yield attribution rows for the unattributed sentences of these articles (whole-article
    context: carried quotes and pronouns need the sentences before)."""
    marks = ", ".join("?" for _ in article_ids)
    bodies = dict(
        con.execute(
            f"SELECT article_id, clean_text FROM store.articles WHERE article_id IN ({marks})",
            article_ids,
        ).fetchall()
    )
    sentences = con.execute(
        "SELECT s.article_id, s.sentence_id, s.char_start, s.char_end, s.text, "
        "a.sentence_id IS NOT NULL FROM store.sentences s "
        "LEFT JOIN store.attributions a ON a.sentence_id = s.sentence_id "
        f"WHERE s.article_id IN ({marks}) ORDER BY s.article_id, s.position",
        article_ids,
    ).fetchall()
    by_article: dict[str, list[tuple[Any, ...]]] = {}
    for row in sentences:
        by_article.setdefault(row[0], []).append(row)
    for article_id, rows in by_article.items():
        spans = [SentenceSpan(start=r[2], end=r[3], text=r[4]) for r in rows]
        for row, att in zip(rows, attribute_text(bodies.get(article_id, ""), spans), strict=True):
            if not row[5]:
                yield (
                    row[1],
                    att.kind,
                    att.speaker_as_written,
                    att.speaker,
                    att.speaker_type,
                    att.speaker_title,
                    att.cue,
                    att.cue_start,
                    att.cue_end,
                    att.quote_start,
                    att.quote_end,
                    att.via,
                    att.rule,
                    att.uncertain,
                    run_id,
                )


def _insert(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows in one statement: one list parameter per column, unnested side by side.

    (A multi-row VALUES statement costs DuckDB a parse and bind of every placeholder.)
    """
    if not rows:
        return
    columns = [list(values) for values in zip(*rows, strict=True)]
    unnests = ", ".join(f"unnest(?::{_TYPES.get(name, 'TEXT')}[])" for name in COLUMNS)
    con.execute(
        f"INSERT INTO store.attributions ({', '.join(COLUMNS)}) SELECT {unnests} "
        "ON CONFLICT DO NOTHING",
        columns,
    )
