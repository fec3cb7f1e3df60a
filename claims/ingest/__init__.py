"""Ingest: read article files, resolve metadata, clean and split, and store each article with its
sentences and dropped lines atomically. Bad inputs are recorded in `ingest_errors`, never fatal.

Public: `ingest_paths`, `IngestSummary`, `expand_paths`, `is_known_file`, `filter_new_files`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from ..models import ArticleInput
from ..readers import (
    InputError,
    MetadataFiles,
    decode_bytes,
    read_articles,
    read_bytes,
    sniff_format,
)
from ..settings import Settings
from ..store import Connection, utcnow
from . import prepare, write
from .files import (
    bytes_hash,
    expand_paths,
    filter_new_files,
    is_known_file,
    record_source_files,
)
from .write import PreparedArticle

__all__ = [
    "DEFAULT_MAX_ARTICLE_CHARS",
    "IngestSummary",
    "expand_paths",
    "filter_new_files",
    "ingest_paths",
    "is_known_file",
]

log = logging.getLogger(__name__)

# pysbd splits roughly 0.5 MB of text a second; no news article comes near this, while a book or a
# data dump would stall a batch for minutes. A `max_article_chars` setting overrides it.
DEFAULT_MAX_ARTICLE_CHARS = 1_000_000
# Articles written per transaction: a commit per article cost about as much as cleaning and
# splitting it. A failed batch is retried one article per transaction, so each stays all-or-none.
BATCH_ARTICLES = 64

Progress = Callable[[int, int], None]


class IngestSummary(BaseModel):
    """What one ingest call did: counts, the new article ids, and every rejected input."""

    articles_new: int = 0
    articles_present: int = 0
    articles_rejected: int = 0
    sentences_new: int = 0
    article_ids_new: list[str] = []
    errors: list[tuple[str, str]] = []

    def counts(self) -> dict[str, int]:
        """Return the counts as a dict for `store.finish_run`."""
        return self.model_dump(
            include={"articles_new", "articles_present", "articles_rejected", "sentences_new"}
        )


def ingest_paths(
    con: Connection,
    paths: list[Path],
    run_id: str,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Return a summary after ingesting every article file in `paths` (directories recurse)."""
    ingester = Ingester(con, run_id, settings or Settings())
    files, missing = expand_paths(paths)
    for error in missing:
        ingester.reject(error)
    for done, path in enumerate(files, start=1):
        ingester.ingest_file(path)
        if progress is not None:
            progress(done, len(files))
    ingester.flush()
    for error in ingester.metadata.errors:
        ingester.reject(error, article=False)
    s = ingester.summary
    log.info(
        "ingest: %d new, %d already present, %d rejected, %d sentences",
        *(s.articles_new, s.articles_present, s.articles_rejected, s.sentences_new),
    )
    return s


@dataclass
class SourceFile:
    """A file read in this call, recorded in store.source_files once its articles are stored."""

    path: Path
    content_hash: str
    article_ids: list[str] = field(default_factory=list)
    items: int = 0
    failed: bool = False

    @property
    def sole_article_id(self) -> str | None:
        """Return the id of the file's article when it holds exactly one, else None."""
        return self.article_ids[0] if self.items == 1 and self.article_ids else None


class Ingester:
    """Ingests files into an open store in batches, accumulating an IngestSummary."""

    def __init__(self, con: Connection, run_id: str, settings: Settings) -> None:
        self.con = con
        self.run_id = run_id
        self.settings = settings
        self.max_article_chars = int(
            getattr(settings, "max_article_chars", DEFAULT_MAX_ARTICLE_CHARS)
        )
        self.metadata = MetadataFiles()
        self.summary = IngestSummary()
        self.pending: list[tuple[PreparedArticle, SourceFile]] = []
        self.pending_ids: set[str] = set()
        self.files: list[SourceFile] = []
        # Articles read but not yet prepared, and read errors, in input order until a flush.
        self.queued: list[InputError | tuple[ArticleInput, str, SourceFile]] = []
        self.queued_articles = 0

    def ingest_file(self, path: Path) -> None:
        """Read one file and queue its articles; queue whatever is rejected and carry on."""
        try:
            raw = read_bytes(path, self.settings.max_file_bytes)
            text, _encoding = decode_bytes(raw, path)
            kind = sniff_format(path, text)
            items = read_articles(path, text, kind)
        except InputError as exc:
            self.queued.append(exc)
            return
        except Exception as exc:  # a reader bug on one file must not stop the batch
            log.exception("%s: could not read file", path)
            self.queued.append(InputError(f"could not read file: {exc}", path=path))
            return
        source = SourceFile(path, bytes_hash(raw), items=len(items))
        self.files.append(source)
        for item in items:
            self.queued.append(item if isinstance(item, InputError) else (item, kind, source))
            self.queued_articles += not isinstance(item, InputError)
        if self.queued_articles >= BATCH_ARTICLES:
            self.flush()

    def admit_queued(self) -> None:
        """Prepare the queued articles, look their ids up in one query, then admit each in
        input order (so rejections are recorded in the order the inputs came)."""
        queued, self.queued, self.queued_articles = self.queued, [], 0
        prepared = [self.try_prepare(i[0], i[1]) for i in queued if isinstance(i, tuple)]
        stored = self.stored_ids([p.article_id for p in prepared if isinstance(p, PreparedArticle)])
        results = iter(prepared)
        for item in queued:
            if isinstance(item, InputError):
                self.reject(item)
            else:
                self.admit(item[0], next(results), item[2], stored)

    def try_prepare(self, article: ArticleInput, kind: str) -> PreparedArticle | Exception:
        """Return the prepared article, or the exception preparing it raised (handled in order)."""
        try:
            return self.prepare(article, kind)
        except Exception as exc:
            return exc

    def admit(
        self,
        article: ArticleInput,
        prepared: PreparedArticle | Exception,
        source: SourceFile,
        stored: set[str],
    ) -> None:
        """Queue one article for writing unless the store (or this batch) already has it."""
        try:
            if isinstance(prepared, Exception):
                raise prepared
            if prepared.article_id in self.pending_ids or prepared.article_id in stored:
                self.summary.articles_present += 1
                source.article_ids.append(prepared.article_id)
                return
            prepare.clean_and_split(prepared, self.settings.max_line_chars)
        except InputError as exc:
            self.reject(exc)
            return
        except Exception as exc:  # a bug in one step must not stop the other articles
            log.exception("%s: could not process article", article.source_path)
            self.fail(article, f"could not process article: {exc}", source)
            return
        self.pending.append((prepared, source))
        self.pending_ids.add(prepared.article_id)

    def prepare(self, article: ArticleInput, kind: str) -> PreparedArticle:
        """Return the article with metadata, outlet and id resolved, after the size check."""
        limit = self.settings.max_line_chars
        prepare.check_size(article, self.max_article_chars, limit)
        meta = self.metadata.for_file(Path(article.source_path))
        return prepare.resolve(article, meta, kind, limit)

    def stored_ids(self, article_ids: list[str]) -> set[str]:
        """Return which of the ids the store already has (one query per batch, not per article)."""
        if not article_ids:
            return set()
        rows = self.con.execute(
            "SELECT article_id FROM store.articles WHERE article_id IN (SELECT unnest(?::TEXT[]))",
            [article_ids],
        ).fetchall()
        return {row[0] for row in rows}

    def flush(self) -> None:
        """Write the queued articles, then record the files whose articles are all stored."""
        self.admit_queued()
        if self.pending:
            try:
                write.write_articles(self.con, [p for p, _ in self.pending], self.run_id)
                stored = self.pending
            except Exception:
                log.warning("batch write failed; writing its articles one at a time", exc_info=True)
                stored = [pair for pair in self.pending if self.write_one(*pair)]
            for prepared, source in stored:
                self.count_new(prepared, source)
        # A failed file is left unrecorded so the next run retries it.
        recorded = [(s.path, s.content_hash, s.sole_article_id) for s in self.files if not s.failed]
        record_source_files(self.con, recorded, self.run_id, utcnow())
        self.pending, self.pending_ids, self.files = [], set(), []

    def write_one(self, prepared: PreparedArticle, source: SourceFile) -> bool:
        """Write a single article in its own transaction; return whether it was stored."""
        try:
            write.write_articles(self.con, [prepared], self.run_id)
        except Exception as exc:
            log.exception("%s: could not store article", prepared.source)
            self.fail(prepared.article, f"could not store article: {exc}", source)
            return False
        return True

    def count_new(self, prepared: PreparedArticle, source: SourceFile) -> None:
        source.article_ids.append(prepared.article_id)
        self.summary.articles_new += 1
        self.summary.sentences_new += len(prepared.sentences)
        self.summary.article_ids_new.append(prepared.article_id)

    def fail(self, article: ArticleInput, reason: str, source: SourceFile) -> None:
        """Reject an article for an unexpected (possibly retryable) failure."""
        source.failed = True
        self.reject(InputError(reason, path=article.source_path, line_no=article.source_line))

    def reject(self, error: InputError, article: bool = True) -> None:
        """Record a rejected file or line in store.ingest_errors and the summary."""
        where = f"{error.path}:{error.line_no}" if error.line_no else str(error.path)
        log.info("rejected %s: %s", where, error.reason)  # the summary carries it to the user
        self.con.execute(
            "INSERT INTO store.ingest_errors VALUES (?, ?, ?, ?, ?, ?)",
            [error.path, error.line_no, error.reason, error.transient, utcnow(), self.run_id],
        )
        self.summary.errors.append((where, error.reason))
        if article:
            self.summary.articles_rejected += 1
