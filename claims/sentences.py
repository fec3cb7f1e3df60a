"""Sentence splitting with character offsets (pysbd, plus fixes for news writing)."""

from __future__ import annotations

from functools import lru_cache

import pysbd

from .models import SentenceSpan


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(body: str) -> list[SentenceSpan]:
    """Return the sentences of a cleaned body with offsets into it (preliminary: plain pysbd)."""
    spans = []
    for piece in _segmenter().segment(body):
        text = piece.sent.strip()
        if not text:
            continue
        start = body.find(text, piece.start)
        spans.append(SentenceSpan(start=start, end=start + len(text), text=text))
    return spans
