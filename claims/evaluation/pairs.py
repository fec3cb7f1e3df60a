"""`eval pairs`: run the pipeline's equivalence decision on MRPC-format pairs and score it.

Format: tab-separated with a header `Quality  #1 ID  #2 ID  #1 String  #2 String` (Quality is 1 for
"same statement"); the text is tokenized the Penn Treebank way and is detokenized before embedding
so the model and the features see text as an article would carry it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claims.errors import TerminalError

if TYPE_CHECKING:
    from claims.cluster import PairScorer
    from claims.embed import Encoder
    from claims.settings import Settings

HEADER = ("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String")
PREDICTION_HEADER = ("id1", "id2", "score", "same")

_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_DETOK_RULES = [
    (re.compile(r"\s+([,.;:?!%)\]}])"), r"\1"),  # no space before closing punctuation
    (re.compile(r"([(\[{$#])\s+"), r"\1"),  # no space after opening punctuation or currency
    (re.compile(r"(\w)\s+(n't|'s|'re|'m|'ve|'ll|'d|')(?=\s|$|[,.;:?!])", re.I), r"\1\2"),
    (re.compile(r"\b(\w+)n\s+'t\b", re.I), r"\1n't"),  # MRPC splits "didn 't"
    (re.compile(r"\s+--\s+"), " -- "),
]


@dataclass(frozen=True)
class Pair:
    """One labelled pair: ids, detokenized texts, and 1 for "same statement"."""

    id1: str
    id2: str
    text1: str
    text2: str
    label: int


def _join_quotes(text: str) -> str:
    """Return text with PTB quote tokens turned into '"' attached to the words they enclose."""
    text = re.sub(r"<QUOTE>|``|''", '"', text)
    out, opening = [], True
    for piece in re.split(r'(\s*"\s*)', text):
        if '"' not in piece:
            out.append(piece)
            continue
        out.append((" " if out and out[-1] else "") + '"' if opening else '" ')
        opening = not opening
    return "".join(out)


def detokenize(text: str) -> str:
    """Return PTB/MRPC-tokenized text as ordinary prose ("Dominick 's ." -> "Dominick's.")."""
    for token, char in _BRACKETS.items():
        text = text.replace(token, char)
    text = _join_quotes(text)
    for pattern, repl in _DETOK_RULES:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text).strip()


def _header(row: list[str]) -> tuple[str, ...]:
    """Return the header cells, ignoring a byte-order mark even when it was encoded twice."""
    cells = [cell.strip() for cell in row[:5]]
    if cells:
        cells[0] = cells[0].lstrip("\ufeff").removeprefix("\u00ef\u00bb\u00bf")
    return tuple(cells)


def read_pairs(path: Path) -> list[Pair]:
    """Return the pairs of an MRPC-format file, detokenized; TerminalError if it is not one."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (OSError, UnicodeDecodeError) as exc:
        raise TerminalError(f"cannot read pairs file: {exc}", path=path) from exc
    if not rows or _header(rows[0]) != HEADER:
        raise TerminalError(f"expected header {' | '.join(HEADER)}", path=path)
    pairs = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) < 5 or row[0].strip() not in ("0", "1"):
            raise TerminalError(f"line {line_no}: expected 5 fields with Quality 0 or 1", path=path)
        pairs.append(Pair(row[1], row[2], detokenize(row[3]), detokenize(row[4]), int(row[0])))
    return pairs


def pair_cosines(
    encoder: Encoder, texts_a: list[str], texts_b: list[str], batch: int
) -> np.ndarray:
    """Return the cosine of each (a, b) pair, embedding every distinct text once."""
    unique = sorted(set(texts_a) | set(texts_b))
    index = {text: i for i, text in enumerate(unique)}
    vectors = encoder.encode(unique, batch_size=batch)
    rows_a = vectors[[index[t] for t in texts_a]]
    rows_b = vectors[[index[t] for t in texts_b]]
    return np.einsum("ij,ij->i", rows_a, rows_b)


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """Return average precision (area under the precision-recall steps, as scikit-learn)."""
    order = np.argsort(-scores, kind="mergesort")
    labels, scores = labels[order], scores[order]
    # Ties share one threshold: take precision/recall at the last row of each tied run.
    last = np.r_[np.nonzero(np.diff(scores))[0], len(scores) - 1]
    hits = np.cumsum(labels)[last]
    precision = hits / (last + 1)
    recall_gain = np.diff(np.r_[0, hits]) / max(int(labels.sum()), 1)
    return float(np.sum(precision * recall_gain))


def binary_metrics(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Return precision, recall, F1, accuracy at the threshold and average precision."""
    predicted = scores >= threshold
    tp = int(np.sum(predicted & (labels == 1)))
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(labels.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "accuracy": round(float(np.mean(predicted == (labels == 1))), 4),
        "average_precision": round(average_precision(labels, scores), 4),
    }


def best_f1_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """Return the score threshold with the highest F1 (midway between neighbouring scores)."""
    order = np.argsort(-scores, kind="mergesort")
    hits = np.cumsum(labels[order])
    predicted = np.arange(1, len(scores) + 1)
    f1 = 2 * hits / (predicted + labels.sum())
    best = int(np.argmax(f1))
    ranked = scores[order]
    below = ranked[best + 1] if best + 1 < len(ranked) else ranked[best] - 1e-6
    return float((ranked[best] + below) / 2)


def write_predictions(path: Path, pairs: list[Pair], scores: np.ndarray, same: np.ndarray) -> None:
    """Write `id1 id2 score same` rows, one per input pair, in input order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(PREDICTION_HEADER)
        for pair, score, flag in zip(pairs, scores, same, strict=True):
            writer.writerow([pair.id1, pair.id2, f"{float(score):.6f}", int(bool(flag))])


def evaluate_pairs(
    path: Path,
    predictions: Path | None = None,
    settings: Settings | None = None,
    encoder: Encoder | None = None,
    scorer: PairScorer | None = None,
) -> dict[str, Any]:
    """Return precision/recall/F1/AP of the pipeline's own claim decision on an MRPC file.

    The decision is exactly the one clustering makes (`equivalence.claim_decision` with these
    settings): its decision score, its threshold, the candidate floor and the retry with
    amounts masked. Cosine alone at its F1-best threshold is reported alongside as the baseline.
    """
    from claims.embed import get_encoder
    from claims.equivalence import claim_decision
    from claims.settings import Settings

    settings = settings or Settings()  # type: ignore[call-arg]
    encoder = encoder or get_encoder(settings)
    decision = claim_decision(settings, scorer)
    pairs = read_pairs(Path(path))
    texts_a, texts_b = [p.text1 for p in pairs], [p.text2 for p in pairs]
    cosines = pair_cosines(encoder, texts_a, texts_b, settings.embed_batch_size)
    scores = decision.scores(texts_a, texts_b, cosines)
    labels = np.array([p.label for p in pairs], dtype=np.int64)
    if predictions is not None:
        write_predictions(Path(predictions), pairs, scores, decision.same(scores))
    metrics: dict[str, Any] = {"n": len(pairs), "positives": int(labels.sum())}
    metrics |= binary_metrics(labels, scores, decision.threshold)
    metrics |= {"threshold": round(decision.threshold, 4), "model": encoder.model_id}
    cosine_only = binary_metrics(labels, cosines, best_f1_threshold(labels, cosines))
    metrics |= {"cosine_f1": cosine_only["f1"], "cosine_ap": cosine_only["average_precision"]}
    return metrics
