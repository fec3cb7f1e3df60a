"""Writing prepared articles: each batch in one transaction, a few statements per batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .. import ids
from ..models import ArticleInput, DroppedLine, SentenceSpan
from ..store import Connection, transaction, utcnow


@dataclass
class PreparedArticle:
    """An article ready to store: resolved fields, cleaned body, dropped lines and sentences."""

    article_id: str
    article: ArticleInput
    content_hash: str
    clean_text: str = ""
    dropped: list[DroppedLine] = field(default_factory=list)
    sentences: list[SentenceSpan] = field(default_factory=list)

    @property
    def source(self) -> str:
        """Return the source path, with the line number appended for JSON Lines articles."""
        a = self.article
        return f"{a.source_path}:{a.source_line}" if a.source_line else a.source_path


def write_articles(con: Connection, batch: list[PreparedArticle], run_id: str) -> None:
    """Write articles with their dropped lines and sentences in one transaction: all or none."""
    now = utcnow()
    with transaction(con):
        insert_articles(con, batch, run_id, now)
        insert_dropped_lines(con, batch)
        insert_sentences(con, batch, run_id)


def insert_articles(
    con: Connection, batch: list[PreparedArticle], run_id: str, now: datetime
) -> None:
    columns: dict[str, tuple[str, list[object]]] = {
        "article_id": ("TEXT", [p.article_id for p in batch]),
        "outlet": ("TEXT", [p.article.outlet for p in batch]),
        "outlet_rule": ("TEXT", [p.article.outlet_rule for p in batch]),
        "title": ("TEXT", [p.article.title for p in batch]),
        "url": ("TEXT", [p.article.url for p in batch]),
        "published_at": ("TIMESTAMP", [p.article.published_at for p in batch]),
        "author": ("TEXT", [p.article.author for p in batch]),
        "source_path": ("TEXT", [p.source for p in batch]),
        "content_hash": ("TEXT", [p.content_hash for p in batch]),
        "raw_text": ("TEXT", [p.article.text for p in batch]),
        "clean_text": ("TEXT", [p.clean_text for p in batch]),
    }
    unnests = ", ".join(f"unnest(?::{kind}[])" for kind, _ in columns.values())
    con.execute(
        f"INSERT INTO store.articles ({', '.join(columns)}, ingested_at, run_id) "
        f"SELECT {unnests}, ?, ? ON CONFLICT DO NOTHING",
        [values for _, values in columns.values()] + [now, run_id],
    )


def insert_dropped_lines(con: Connection, batch: list[PreparedArticle]) -> None:
    """Insert the dropped lines of every article in the batch in one statement."""
    rows = [(p.article_id, d) for p in batch for d in p.dropped]
    if not rows:
        return
    con.execute(
        "INSERT INTO store.dropped_lines SELECT unnest(?::TEXT[]), unnest(?::INTEGER[]), "
        "unnest(?::TEXT[]), unnest(?::TEXT[]) ON CONFLICT DO NOTHING",
        [
            [a for a, _ in rows],
            [d.line_no for _, d in rows],
            [d.text for _, d in rows],
            [d.rule for _, d in rows],
        ],
    )


def insert_sentences(con: Connection, batch: list[PreparedArticle], run_id: str) -> None:
    """Insert the sentences of every article in the batch in one statement."""
    rows = [(p.article_id, n, s) for p in batch for n, s in enumerate(p.sentences)]
    con.execute(
        "INSERT INTO store.sentences (sentence_id, article_id, position, text, char_start, "
        "char_end, run_id) SELECT unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::INTEGER[]), "
        "unnest(?::TEXT[]), unnest(?::INTEGER[]), unnest(?::INTEGER[]), ? ON CONFLICT DO NOTHING",
        [
            [ids.sentence_id(a, s.start, s.end, s.text) for a, _, s in rows],
            [a for a, _, _ in rows],
            [n for _, n, _ in rows],
            [s.text for _, _, s in rows],
            [s.start for _, _, s in rows],
            [s.end for _, _, s in rows],
            run_id,
        ],
    )
