"""Refit the equivalence scorer's weights from development pairs and write claims/calibration.json.

    python -m claims.evaluation.calibrate --mrpc PATH/mrpc_train.tsv --stsb PATH/stsb_train.tsv \
        --negatives PATH/polnear_train.jsonl [--check-stsb PATH/stsb_dev.tsv] \
        [--out claims/calibration.json]

MRPC pairs (label 0/1) train the logistic regression; STS-B `main-news` pairs, when given, join as
soft labels (score / 5). They keep the model from fitting MRPC's quirks: trained on MRPC alone it
ranks STS-B news pairs worse than the cosine does. The operating point is the threshold that
maximises F1 on out-of-fold (k-fold) MRPC predictions, so the reported numbers are not measured on
training rows; `--check-stsb` reports rank correlation on a held-out STS-B file.

`--negatives` adds the pairs a claim tracker meets and MRPC lacks: two statements of one news
article (JSON lines with a `text` field, e.g. PolNeAR) that embed close together (cosine >= 0.45)
are nearly always two different statements about one story. Weighted lightly, they teach the
scorer to refuse same-story, different-statement pairs, so the pipeline needs no cosine gate on
top of the scorer and `eval pairs` measures the exact decision clustering makes.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from claims.equivalence import CALIBRATION_PATH, Calibration
from claims.errors import TerminalError
from claims.evaluation.pairs import Pair, best_f1_threshold, binary_metrics, read_pairs
from claims.numbers import extract_quantities
from claims.pairfeatures import FEATURES, STOPWORDS, pair_features, with_interactions

L2 = 3.0
STSB_WEIGHT = 1.0
CONTRAST_WEIGHT = 0.3
NEGATIVE_WEIGHT = 0.1
NEGATIVE_MIN_COSINE = 0.45
NEGATIVE_ARTICLES = 400
FOLDS = 5


class TextEncoder(Protocol):
    """Anything with Encoder.encode's signature."""

    @property
    def model_id(self) -> str: ...

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


@dataclass
class TrainingSet:
    """Feature rows, soft targets in [0, 1], sample weights, and which rows are MRPC."""

    features: np.ndarray
    targets: np.ndarray
    weights: np.ndarray
    is_mrpc: np.ndarray
    counts: dict[str, int] = field(default_factory=dict)


AUXILIARIES = ("is", "was", "were", "are", "has", "had", "have", "will", "would", "can", "could")


def _swap_number(text: str, rng: random.Random) -> str | None:
    """Return text with one amount multiplied or divided by 3, or None if it states none."""
    amounts = [q for q in extract_quantities(text) if q.value >= 2 and q.text[0].isdigit()]
    if not amounts:
        return None
    q = rng.choice(amounts)
    factor = rng.choice((3.0, 1 / 3))
    new = q.value * factor
    shown = f"{new:,.0f}" if new >= 10 else f"{new:.1f}"
    return text[: q.start] + shown + text[q.end :]


def _swap_name(text: str, other: str, names: list[str], rng: random.Random) -> str | None:
    """Return text with one name it shares with `other` replaced by another name."""
    shared = [w for w in re.findall(r"(?<=\s)[A-Z][a-z]{2,}", text) if w in other]
    if not shared:
        return None
    old = rng.choice(shared)
    new = rng.choice([n for n in names if n != old] or [old])
    return re.sub(rf"\b{old}\b", new, text) if new != old else None


def _flip_negation(text: str) -> str | None:
    """Return text with the first auxiliary negated (or its 'not' removed), or None."""
    if re.search(r"\bnot\b|n't\b", text):
        flipped = re.sub(r"\s+not\b|n't\b", "", text, count=1)
        return flipped if flipped != text else None
    pattern = rf"\b({'|'.join(AUXILIARIES)})\b"
    flipped = re.sub(pattern, r"\1 not", text, count=1)
    return flipped if flipped != text else None


def contrast_pairs(pairs: Sequence[Pair], seed: int = 0) -> list[tuple[str, str]]:
    """Return (a, b') pairs that differ from a paraphrase pair in one detail: not the same claim.

    For each paraphrase (a, b), b' is b with one number scaled by 3, one shared name replaced, or
    its negation flipped: the near-misses that cosine scores as equivalent.
    """
    rng = random.Random(seed)
    found = {w for p in pairs for w in re.findall(r"(?<=\s)[A-Z][a-z]{3,}", p.text2)}
    names = sorted(w for w in found if w.lower() not in STOPWORDS)
    out = []
    for pair in pairs:
        if pair.label != 1:
            continue
        kind = rng.randrange(3)
        if kind == 0:
            changed = _swap_number(pair.text2, rng)
        elif kind == 1:
            changed = _swap_name(pair.text2, pair.text1, names, rng)
        else:
            changed = _flip_negation(pair.text2)
        if changed and changed != pair.text2:
            out.append((pair.text1, changed))
    return out


def read_stsb(path: Path, genre: str | None = "main-news") -> list[tuple[float, str, str]]:
    """Return (score 0-5, sentence1, sentence2) rows of an STS-B file, optionally one genre."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 7 and (genre is None or row[0] == genre):
                rows.append((float(row[4]), row[5], row[6]))
    return rows


def read_article_texts(path: Path, limit: int = NEGATIVE_ARTICLES) -> list[str]:
    """Return the `text` of up to `limit` distinct articles of a JSON-lines file, in file order.

    PolNeAR holds some articles once per annotator; the `article` key (when present) keeps one.
    """
    texts: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                key, text = str(record.get("article", line_no)), str(record["text"])
            except (ValueError, KeyError, AttributeError) as exc:
                reason = f"line {line_no}: not an article record ({exc})"
                raise TerminalError(reason, path=path) from exc
            texts.setdefault(key, text)
            if len(texts) >= limit:
                break
    return list(texts.values())


def statements(text: str, min_words: int = 5) -> list[str]:
    """Return the sentences of an article that could be claim mentions (no questions, no scraps)."""
    from claims.sentences import split_sentences

    found = (span.text.strip() for span in split_sentences(text))
    return [s for s in found if len(s.split()) >= min_words and not s.endswith("?")]


def article_negatives(
    path: Path, encoder: TextEncoder, min_cosine: float = NEGATIVE_MIN_COSINE
) -> list[tuple[str, str]]:
    """Return pairs of distinct statements of one article whose cosine is at least `min_cosine`."""
    per_article = [statements(text) for text in read_article_texts(path)]
    flat = [s for group in per_article for s in group]
    vectors = encoder.encode(flat, batch_size=64)
    out, start = [], 0
    for group in per_article:
        block = vectors[start : start + len(group)]
        rows, cols = np.nonzero(np.triu(block @ block.T >= min_cosine, 1))
        pairs = zip(rows.tolist(), cols.tolist(), strict=True)
        out += [(group[i], group[j]) for i, j in pairs if group[i] != group[j]]
        start += len(group)
    return out


def fit_logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2, steps: int = 50
) -> tuple[np.ndarray, float]:
    """Return (weights, bias) of an L2-penalised logistic regression, by Newton's method."""
    design = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -40, 40)))
        grad = design.T @ (w * (p - y)) + penalty * beta
        hess = (design * (w * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def fit_calibration(data: TrainingSet, threshold: float, cosine_threshold: float) -> Calibration:
    """Return a Calibration fit on all rows of data, with the given operating points."""
    expanded = with_interactions(data.features)
    mean = expanded.mean(axis=0)
    scale = expanded.std(axis=0)
    scale[scale < 1e-9] = 1.0
    weights, bias = fit_logistic((expanded - mean) / scale, data.targets, data.weights, L2)
    return Calibration(FEATURES, mean, scale, weights, bias, threshold, cosine_threshold, {})


def out_of_fold(data: TrainingSet, folds: int = FOLDS, seed: int = 0) -> np.ndarray:
    """Return out-of-fold probabilities for the MRPC rows (STS-B rows always train)."""
    mrpc_rows = np.flatnonzero(data.is_mrpc)
    fold_of = np.random.default_rng(seed).permutation(len(mrpc_rows)) % folds
    predictions = np.zeros(len(mrpc_rows))
    for fold in range(folds):
        held = mrpc_rows[fold_of == fold]
        keep = np.ones(len(data.targets), dtype=bool)
        keep[held] = False
        train = TrainingSet(
            data.features[keep], data.targets[keep], data.weights[keep], data.is_mrpc[keep]
        )
        model = fit_calibration(train, 0.5, 0.5)
        predictions[fold_of == fold] = model.probability(data.features[held])
    return predictions


def precision_threshold(labels: np.ndarray, scores: np.ndarray, precision: float) -> float:
    """Return the lowest score threshold whose predictions reach the given precision."""
    order = np.argsort(-scores, kind="mergesort")
    hits = np.cumsum(labels[order])
    reached = np.flatnonzero(hits / np.arange(1, len(scores) + 1) >= precision)
    return float(scores[order][reached[-1]]) if len(reached) else 1.0


def pair_cosines_for(
    encoder: TextEncoder, texts_a: Sequence[str], texts_b: Sequence[str]
) -> np.ndarray:
    """Return pair cosines, embedding each distinct text once."""
    from claims.evaluation.pairs import pair_cosines

    return pair_cosines(encoder, list(texts_a), list(texts_b), 64)  # type: ignore[arg-type]


def build_training_set(
    mrpc: Path,
    stsb: Sequence[Path],
    encoder: TextEncoder,
    contrast: bool = False,
    negatives: Sequence[Path] = (),
) -> tuple[TrainingSet, np.ndarray]:
    """Return the training rows and the MRPC rows' cosines."""
    pairs = read_pairs(mrpc)
    texts_a = [p.text1 for p in pairs]
    texts_b = [p.text2 for p in pairs]
    targets = [float(p.label) for p in pairs]
    n_mrpc = len(pairs)
    weights = [1.0] * n_mrpc
    counts = {"n_mrpc": n_mrpc}
    for path in stsb:
        for score, a, b in read_stsb(path):
            texts_a.append(a)
            texts_b.append(b)
            targets.append(score / 5.0)
            weights.append(STSB_WEIGHT)
    counts["n_stsb"] = len(targets) - n_mrpc
    for a, b in contrast_pairs(pairs) if contrast else []:
        texts_a.append(a)
        texts_b.append(b)
        targets.append(0.0)
        weights.append(CONTRAST_WEIGHT)
    before_negatives = len(targets)
    for path in negatives:
        for a, b in article_negatives(path, encoder):
            texts_a.append(a)
            texts_b.append(b)
            targets.append(0.0)
            weights.append(NEGATIVE_WEIGHT)
    counts["n_negatives"] = len(targets) - before_negatives
    cosines = pair_cosines_for(encoder, texts_a, texts_b)
    is_mrpc = np.arange(len(targets)) < n_mrpc
    data = TrainingSet(
        pair_features(texts_a, texts_b, cosines),
        np.asarray(targets),
        np.asarray(weights),
        is_mrpc,
        counts,
    )
    return data, cosines[:n_mrpc]


def calibrate(
    mrpc: Path,
    stsb: Sequence[Path],
    encoder: TextEncoder,
    folds: int = FOLDS,
    contrast: bool = False,
    negatives: Sequence[Path] = (),
) -> Calibration:
    """Return a Calibration fit on the files, its operating point and CV metrics in `meta`."""
    data, cosines = build_training_set(mrpc, stsb, encoder, contrast, negatives)
    labels = data.targets[data.is_mrpc].astype(np.int64)
    oof = out_of_fold(data, folds)
    threshold = best_f1_threshold(labels, oof)
    cosine_threshold = best_f1_threshold(labels, cosines)
    model = fit_calibration(data, threshold, cosine_threshold)
    strict = round(precision_threshold(labels, oof, 0.9), 6)
    meta: dict[str, Any] = {
        "model": encoder.model_id,
        "trained_on": [
            Path(mrpc).name,
            *(Path(p).name + " (main-news)" for p in stsb),
            *(Path(p).name + " (same-article statement pairs)" for p in negatives),
        ],
        **data.counts,
        "l2": L2,
        "stsb_weight": STSB_WEIGHT,
        "contrast_weight": CONTRAST_WEIGHT if contrast else 0.0,
        "negative_weight": NEGATIVE_WEIGHT,
        f"cv{folds}_out_of_fold": binary_metrics(labels, oof, threshold),
        "cosine_only_in_sample": binary_metrics(labels, cosines, cosine_threshold),
        # A stricter operating point for merging claims: where CV precision reaches 0.9.
        "strict_p90_out_of_fold": binary_metrics(labels, oof, strict) | {"threshold": strict},
        "in_sample": binary_metrics(
            labels, model.probability(data.features[data.is_mrpc]), threshold
        ),
        "refit": "python -m claims.evaluation.calibrate --mrpc MRPC.tsv --stsb STSB_TRAIN.tsv "
        "--negatives POLNEAR_TRAIN.jsonl",
    }
    model.meta.update(meta)
    return model


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Return Spearman's rank correlation (ties broken by position; fine for a sanity check)."""
    rank_a = np.argsort(np.argsort(a, kind="mergesort"))
    rank_b = np.argsort(np.argsort(b, kind="mergesort"))
    return float(np.corrcoef(rank_a, rank_b)[0, 1])


def check_stsb(model: Calibration, path: Path, encoder: TextEncoder) -> dict[str, float]:
    """Return Spearman correlation with gold scores on STS-B news pairs: model and cosine."""
    rows = read_stsb(path)
    gold = np.array([r[0] for r in rows])
    texts_a, texts_b = [r[1] for r in rows], [r[2] for r in rows]
    cosines = pair_cosines_for(encoder, texts_a, texts_b)
    scores = model.probability(pair_features(texts_a, texts_b, cosines))
    return {
        "n": len(rows),
        "spearman": round(spearman(scores, gold), 4),
        "cosine_spearman": round(spearman(cosines, gold), 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Refit the calibration from the command line; print its metrics; return an exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mrpc", type=Path, required=True, help="MRPC-format pairs (TSV)")
    parser.add_argument("--stsb", type=Path, action="append", default=[], help="STS-B TSV")
    parser.add_argument("--check-stsb", type=Path, help="held-out STS-B TSV to check ranking")
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH)
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument(
        "--contrast",
        action="store_true",
        help="add one-detail-changed copies of paraphrases as negatives (stricter on numbers, "
        "names and negation; costs about 0.006 F1 on MRPC)",
    )
    parser.add_argument(
        "--negatives",
        type=Path,
        action="append",
        default=[],
        help="JSON lines of news articles (`text`); close statement pairs within one article "
        "are added as 'different claim' examples",
    )
    args = parser.parse_args(argv)
    from claims.embed import get_encoder

    encoder = get_encoder()
    model = calibrate(args.mrpc, args.stsb, encoder, args.folds, args.contrast, args.negatives)
    if args.check_stsb:
        model.meta[f"check_{args.check_stsb.name}_main_news"] = check_stsb(
            model, args.check_stsb, encoder
        )
    args.out.write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
    print(json.dumps(model.meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
