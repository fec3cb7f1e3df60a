"""Cleaning: derive the body everything downstream reads, recording each dropped line."""

from __future__ import annotations

from pydantic import BaseModel

from .models import DroppedLine


class CleanedText(BaseModel):
    """The cleaned body and the lines removed from the original."""

    body: str
    dropped: list[DroppedLine]


def clean_article(text: str, title: str | None = None) -> CleanedText:
    """Return the cleaned body of an article (preliminary: whitespace only)."""
    lines = [line.strip() for line in text.splitlines()]
    return CleanedText(body="\n\n".join(line for line in lines if line), dropped=[])
