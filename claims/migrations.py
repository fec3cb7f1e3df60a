"""Named schema migrations. Append new ones at the end; never edit one that has shipped.

Internal tables live in the `store` schema; users query the public views in `main` (see views.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str


M001_STORE = """
CREATE SCHEMA IF NOT EXISTS store;
CREATE TABLE store.runs (
    run_id TEXT PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status TEXT NOT NULL,
    command TEXT,
    flow_run_id TEXT,
    articles_new INTEGER DEFAULT 0,
    articles_present INTEGER DEFAULT 0,
    articles_rejected INTEGER DEFAULT 0,
    sentences_new INTEGER DEFAULT 0,
    counts JSON,
    error TEXT
);
CREATE TABLE store.articles (
    article_id TEXT PRIMARY KEY,
    outlet TEXT NOT NULL,
    outlet_rule TEXT NOT NULL,
    title TEXT,
    url TEXT,
    published_at TIMESTAMP,
    author TEXT,
    source_path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    raw_text TEXT NOT NULL,
    clean_text TEXT NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    run_id TEXT
);
CREATE TABLE store.source_files (
    content_hash TEXT NOT NULL,
    source_path TEXT NOT NULL,
    article_id TEXT,
    first_seen_at TIMESTAMP NOT NULL,
    run_id TEXT,
    PRIMARY KEY (content_hash, source_path)
);
CREATE TABLE store.dropped_lines (
    article_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    text TEXT NOT NULL,
    rule TEXT NOT NULL,
    PRIMARY KEY (article_id, line_no)
);
CREATE TABLE store.sentences (
    sentence_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    run_id TEXT
);
CREATE TABLE store.ingest_errors (
    source_path TEXT NOT NULL,
    line_no INTEGER,
    reason TEXT NOT NULL,
    transient BOOLEAN NOT NULL DEFAULT FALSE,
    occurred_at TIMESTAMP NOT NULL,
    run_id TEXT
);
"""

M002_ATTRIBUTION = """
CREATE TABLE store.attributions (
    sentence_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    speaker_as_written TEXT,
    speaker TEXT,
    speaker_type TEXT,
    speaker_title TEXT,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    quote_start INTEGER,
    quote_end INTEGER,
    via TEXT,
    rule TEXT NOT NULL,
    uncertain BOOLEAN NOT NULL DEFAULT FALSE,
    run_id TEXT
);
"""

M003_CLAIMS = """
CREATE TABLE store.embeddings (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector FLOAT[] NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (model, text_hash)
);
CREATE TABLE store.mentions (
    mention_id TEXT PRIMARY KEY,
    sentence_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    run_id TEXT
);
CREATE TABLE store.claims (
    claim_id TEXT PRIMARY KEY,
    canonical_mention_id TEXT NOT NULL,
    created_run_id TEXT,
    updated_run_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE store.claim_members (
    mention_id TEXT PRIMARY KEY,
    claim_id TEXT NOT NULL,
    similarity DOUBLE,
    copy_kind TEXT,
    joined_run_id TEXT
);
CREATE TABLE store.claim_flags (
    claim_id TEXT NOT NULL,
    flag TEXT NOT NULL,
    mention_ids TEXT[] NOT NULL,
    detail TEXT,
    run_id TEXT,
    PRIMARY KEY (claim_id, flag)
);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration("001_store", M001_STORE),
    Migration("002_attribution", M002_ATTRIBUTION),
    Migration("003_claims", M003_CLAIMS),
)
