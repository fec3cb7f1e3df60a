"""Typed records passed between library steps."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ArticleInput(BaseModel):
    """One article as read from a file, before cleaning."""

    text: str
    source_path: str
    title: str | None = None
    outlet: str | None = None
    outlet_rule: str | None = Field(
        None,
        description="Where the outlet came from: metadata, metadata_file, url, credit, unknown.",
    )
    url: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    source_line: int | None = Field(None, description="Line number for JSON Lines inputs.")


class SentenceSpan(BaseModel):
    """A sentence of a cleaned body with its character offsets into that body."""

    start: int
    end: int
    text: str


class DroppedLine(BaseModel):
    """A line the cleaner removed, and the rule that removed it (auditable in SQL)."""

    line_no: int
    text: str
    rule: str
