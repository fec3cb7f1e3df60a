"""Benchmark embedding dtypes: float32 vs bfloat16 (weights, autocast) vs int8; prints ratios.

    python -m bench dtype [--mrpc PATH] [--sentences 1000] [--rounds 2] [--batch 32]

Speed: each variant encodes the same N sentences (MRPC sentences when --mrpc is given, otherwise
sentences of the seeds, varied per copy); rounds are interleaved and the best time is kept, since
the machine is shared. Agreement: cosine of each variant's vectors with float32's, and how many
pair decisions of the pipeline's claim decision (`equivalence.claim_decision`) change - on every
MRPC pair (--mrpc) and on every cross-article sentence pair of the seeds. Adopt a variant only
if it is faster, changes < 0.5 % of MRPC decisions and no seed decision.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402

from claims.embed import Encoder  # noqa: E402
from claims.equivalence import ClaimDecision, claim_decision  # noqa: E402
from claims.evaluation.pairs import read_pairs  # noqa: E402
from claims.sentences import split_sentences  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
EncodeFn = Callable[[list[str]], np.ndarray]


def seed_articles() -> list[list[str]]:
    """Return each seed file's sentences of at least five words."""
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        spans = split_sentences(body)
        articles.append([s.text for s in spans if len(s.text.split()) >= 5])
    return articles


def varied_sentences(base: list[str], n: int, seed: int = 0) -> list[str]:
    """Return n sentences: the base ones, then copies with two words swapped for other words."""
    rng = random.Random(seed)
    vocab = sorted({w for s in base for w in s.split()})
    out = list(base[:n])
    while len(out) < n:
        words = rng.choice(base).split()
        for _ in range(2):
            words[rng.randrange(len(words))] = rng.choice(vocab)
        out.append(" ".join(words))
    return out


def mrpc_sentences(path: Path) -> list[str]:
    """Return the distinct sentences of an MRPC-format file, in file order."""
    seen: dict[str, None] = {}
    for pair in read_pairs(path):
        seen.setdefault(pair.text1)
        seen.setdefault(pair.text2)
    return list(seen)


def variants(batch: int) -> dict[str, EncodeFn]:
    """Return encode functions: float32, bf16 autocast (the setting), bf16 weights, int8."""
    fp32 = Encoder(dtype="float32")
    autocast = Encoder(dtype="bfloat16")  # what model_dtype=bfloat16 selects
    weights = Encoder(dtype="float32")
    weights._model = weights._model.to(torch.bfloat16)
    int8 = Encoder(dtype="float32")
    int8._model = torch.ao.quantization.quantize_dynamic(
        int8._model, {torch.nn.Linear}, dtype=torch.qint8
    )
    return {
        "float32": lambda texts: fp32.encode(texts, batch),
        "bf16-autocast": lambda texts: autocast.encode(texts, batch),
        "bf16-weights": lambda texts: weights.encode(texts, batch),
        "int8-dynamic": lambda texts: int8.encode(texts, batch),
    }


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Run the block with torch limited to n threads."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def time_variants(fns: dict[str, EncodeFn], texts: list[str], rounds: int) -> dict[str, float]:
    """Return the best wall time of each variant over interleaved rounds."""
    for fn in fns.values():
        fn(texts[:64])  # warm-up: first calls pay for kernel selection
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn(texts)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def decisions(decision: ClaimDecision, a: list[str], b: list[str], va: Any, vb: Any) -> Any:
    """Return the pipeline's bool decision for each (a, b) pair given their vectors."""
    return decision.same(decision.scores(a, b, np.einsum("ij,ij->i", va, vb)))


def pair_changes(fns: dict[str, EncodeFn], a: list[str], b: list[str]) -> dict[str, Any]:
    """Return, per variant, how many pair decisions differ from float32's (and min cosine)."""
    from claims.settings import Settings

    decision = claim_decision(Settings())  # type: ignore[call-arg]
    unique = sorted(set(a) | set(b))
    index = {t: i for i, t in enumerate(unique)}
    ia, ib = [index[t] for t in a], [index[t] for t in b]
    vectors = {name: fn(unique) for name, fn in fns.items()}
    base = decisions(decision, a, b, vectors["float32"][ia], vectors["float32"][ib])
    out = {}
    for name, v in vectors.items():
        got = decisions(decision, a, b, v[ia], v[ib])
        cos = np.sum(v * vectors["float32"], axis=1)
        out[name] = (int(np.sum(got != base)), len(base), float(cos.min()), int(base.sum()))
    return out


def seed_pairs() -> tuple[list[str], list[str]]:
    """Return every pair of seed sentences from different articles."""
    articles = seed_articles()
    a, b = [], []
    for i, first in enumerate(articles):
        for second in articles[i + 1 :]:
            for s in first:
                a.extend([s] * len(second))
                b.extend(second)
    return a, b


def print_speed(best: dict[str, float], n: int) -> None:
    """Print sentences/s and the speed ratio of each variant against float32."""
    for name, seconds in best.items():
        ratio = best["float32"] / seconds
        print(f"  {name:14s} {n / seconds:7.1f} sent/s   speed ratio vs float32: {ratio:.2f}")


def print_changes(label: str, changes: dict[str, Any]) -> None:
    """Print decision changes per variant."""
    for name, (changed, total, min_cos, positives) in changes.items():
        share = 100 * changed / max(total, 1)
        print(
            f"  {label}: {name:14s} {changed:5d} / {total} decisions changed ({share:.2f} %), "
            f"min cosine to float32 {min_cos:.4f}, float32 says same for {positives}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="float32 vs bf16 vs int8 embedding")
    parser.add_argument("--mrpc", type=Path, help="MRPC-format pairs file")
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args(argv)
    fns = variants(args.batch)
    if args.mrpc:
        texts = mrpc_sentences(args.mrpc)[: args.sentences]
    else:
        texts = varied_sentences([s for a in seed_articles() for s in a], args.sentences)
    print(f"speed on {len(texts)} sentences, batch {args.batch}, {torch.get_num_threads()} threads")
    print_speed(time_variants(fns, texts, args.rounds), len(texts))
    with threads(1):
        print("  with 1 torch thread:")
        print_speed(time_variants({"float32": fns["float32"]}, texts, 1), len(texts))
    print_changes("seeds", pair_changes(fns, *seed_pairs()))
    if args.mrpc:
        pairs = read_pairs(args.mrpc)
        a, b = [p.text1 for p in pairs], [p.text2 for p in pairs]
        print_changes("mrpc", pair_changes(fns, a, b))
