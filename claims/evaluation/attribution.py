"""`eval attribution`: score the attributor on PolNeAR-format articles (source / cue / content).

A gold sentence is attributed when it overlaps a gold content span; the direct-quote group holds
sentences whose gold content is a quotation or which we call direct, the rest are the other group.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..attribution import Attribution, attribute_text
from ..attribution.lexicon import ORG_HEADS, TITLE_WORDS
from ..models import SentenceSpan
from ..sentences import split_sentences

_ALNUM = re.compile(r"\w")
_WORD = re.compile(r"[\w’'.-]+")
_QUOTES = '"“”„«»'
_NON_NAMES = {
    "he",
    "she",
    "it",
    "they",
    "i",
    "we",
    "you",
    "him",
    "her",
    "them",
    "his",
    "its",
    "their",
    "who",
    "which",
    "that",
    "whom",
    "us",
    "me",
    "our",
    "my",
}
_CUT = re.compile(r"\s+(?:of|at|from|by|who|which|that|with|in|for|on)\s+")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Tally:
    attributed: dict[str, Counts] = field(default_factory=dict)
    cue: dict[str, Counts] = field(default_factory=dict)
    speaker: dict[str, list[int]] = field(default_factory=dict)

    def counts(self, table: dict[str, Counts], group: str) -> list[Counts]:
        return [table.setdefault(g, Counts()) for g in ("all", group)]


def load_articles(path: Path) -> list[dict[str, Any]]:
    """Return one record per article: the first annotator alphabetically."""
    best: dict[str, dict[str, Any]] = {}
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            kept = best.get(rec["article"])
            if kept is None or rec["annotator"] < kept["annotator"]:
                best[rec["article"]] = rec
    return [best[k] for k in sorted(best)]


def _overlap(start: int, end: int, pieces: list[dict[str, Any]], text: str) -> int:
    total = 0
    for piece in pieces:
        s, e = max(start, piece["start"]), min(end, piece["end"])
        if e > s and _ALNUM.search(text[s:e]):
            total += e - s
    return total


def _is_quotation(attr: dict[str, Any], text: str) -> bool:
    """Whether a gold content span is a quotation (a quote mark opens it, inside or just before)."""
    if not attr["content"]:
        return False
    start = attr["content"][0]["start"]
    lead = text[max(0, start - 2) : start + 2]
    return any(q in lead for q in _QUOTES)


def head_word(source: str) -> str | None:
    """Return the head of a gold source ("Kirby" of "State Department spokesman John Kirby").

    None when the source is only a pronoun or relative ("he", "who"), which the measure skips.
    """
    source = re.sub(r"\s*\([^)]*\)?", "", source)  # "Rep. Tim Ryan (D-Ohio)"
    words = [w.lower() for w in _WORD.findall(source)]
    if not words or all(w in _NON_NAMES for w in words):
        return None
    parts = [p for p in source.split(",") if _WORD.search(p)]
    chosen = next((p for p in parts if _last_word(p)[:1].isupper()), parts[0])
    before = _CUT.split(chosen)[0]
    # "Secretary of State John Kerry", "University of California": the "of" is inside a name.
    if _last_word(before).lower() not in TITLE_WORDS | ORG_HEADS:
        chosen = before
    return _last_word(chosen).lower() or None


def _last_word(text: str) -> str:
    words = _WORD.findall(text)
    word = words[-1] if words else ""
    return re.sub(r"[’']s?$", "", word).strip(".-")


def _speaker_words(speaker: str | None) -> set[str]:
    return {re.sub(r"[’']s?$", "", w.lower()).strip(".-") for w in _WORD.findall(speaker or "")}


def score_sentence(
    tally: Tally, text: str, sent: SentenceSpan, pred: Attribution, attrs: list[dict[str, Any]]
) -> None:
    """Add one sentence's outcome to the tallies."""
    touching = [(a, _overlap(sent.start, sent.end, a["content"], text)) for a in attrs]
    touching = [(a, n) for a, n in touching if n > 0]
    gold = max(touching, key=lambda x: x[1])[0] if touching else None
    group = "direct" if pred.kind == "direct" or (gold and _is_quotation(gold, text)) else "rest"
    for c in tally.counts(tally.attributed, group):
        _add(c, gold is not None, pred.attributed)
    matched = _cue_match(pred, [a for a, _ in touching])
    has_pred_cue = pred.attributed and pred.cue_start is not None
    for c in tally.counts(tally.cue, group):
        c.tp += matched is not None
        c.fp += has_pred_cue and matched is None
        c.fn += gold is not None and bool(gold["cue"]) and matched is None
    if gold is not None and pred.attributed:
        judged = matched or gold
        head = head_word(" ".join(p["text"] for p in judged["source"]))
        if head is not None:
            hit = int(head in _speaker_words(pred.speaker))
            for g in ("all", group):
                tally.speaker.setdefault(g, []).append(hit)


def _add(c: Counts, gold: bool, pred: bool) -> None:
    c.tp += gold and pred
    c.fp += pred and not gold
    c.fn += gold and not pred


def _cue_match(pred: Attribution, attrs: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not pred.attributed or pred.cue_start is None or pred.cue_end is None:
        return None
    for attr in attrs:
        for piece in attr["cue"]:
            if piece["start"] < pred.cue_end and pred.cue_start < piece["end"]:
                return attr
    return None


def _predict(
    records: list[dict[str, Any]],
) -> Iterator[tuple[dict[str, Any], SentenceSpan, Attribution]]:
    for rec in records:
        sentences = split_sentences(rec["text"])
        for sent, att in zip(sentences, attribute_text(rec["text"], sentences), strict=True):
            yield rec, sent, att


def evaluate_attribution(path: Path, predictions: Path | None = None) -> dict[str, Any]:
    """Return sentence, speaker and cue metrics of the attributor on a PolNeAR-format file;
    with `predictions`, also write one JSON line per sentence there."""
    records = load_articles(Path(path))
    tally = Tally()
    rows = []
    for rec, sent, att in _predict(records):
        score_sentence(tally, rec["text"], sent, att, rec["attributions"])
        rows.append(
            {
                "article": rec["article"],
                "start": sent.start,
                "end": sent.end,
                "kind": att.kind,
                "speaker": att.speaker,
                "cue_start": att.cue_start,
                "cue_end": att.cue_end,
            }
        )
    if predictions is not None:
        with Path(predictions).open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(row) + "\n" for row in rows)
    return _metrics(tally, len(records), len(rows))


def _metrics(tally: Tally, articles: int, sentences: int) -> dict[str, Any]:
    speaker = {
        g: {"accuracy": round(sum(v) / len(v), 4) if v else 0.0, "n": len(v)}
        for g, v in sorted(tally.speaker.items())
    }
    return {
        "articles": articles,
        "sentences": sentences,
        "attributed": {g: c.scores() for g, c in sorted(tally.attributed.items())},
        "speaker": speaker,
        "cue": {g: c.scores() for g, c in sorted(tally.cue.items())},
    }
