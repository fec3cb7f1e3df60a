"""Benchmark the claim stages; prints ratios.

(a) pipeline vs model: ingest -> attribute -> embed -> cluster on N sentences, against bare
    `SentenceTransformer.encode` (batch 32) on the same N sentences. Target: pipeline throughput
    >= 0.9 x the model's, i.e. everything but the model <= 10 % of wall time.
(b) store size: adding 1,000 new sentences (embedding with the model + clustering) to a store of
    10k / 100k / 1M mentions (synthetic unit vectors, two mentions a claim) against adding them to
    an empty store. Target: <= 1.5 x at 1M. The clustering step alone is printed too.

    python -m bench claims [--mrpc PATH] [--sentences 2000] [--sizes 10000,100000,1000000]
                           [--new 1000] [--only pipeline|store] [--keep DIR]

Sentences for (a) are the seeds, copied with words varied per copy so nearly every sentence is new
text, or the sentences of an MRPC-format file (--mrpc) grouped into articles of 15.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from claims import claimstore, store  # noqa: E402
from claims.settings import Settings  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DIM = 384


class TimedEncoder:
    """Wraps an Encoder and adds up the time spent inside `encode`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.seconds = 0.0
        self.texts = 0

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        start = time.perf_counter()
        out = self.inner.encode(texts, batch_size=batch_size)
        self.seconds += time.perf_counter() - start
        self.texts += len(texts)
        return out


# --- (a) pipeline vs bare model --------------------------------------------------------------


def vary(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    """Return text with about a third of its words swapped for others (punctuation kept)."""

    def swap(match: re.Match[str]) -> str:
        return rng.choice(vocabulary) if rng.random() < 0.33 else match.group()

    return re.sub(r"[A-Za-z]{3,}", swap, text)


def write_seed_copies(folder: Path, target_sentences: int) -> None:
    """Write varied copies of the seed articles until about `target_sentences` sentences."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocabulary = sorted({w for t in texts for w in re.findall(r"[A-Za-z]{3,}", t)})
    per_copy = sum(t.count(". ") + t.count(".\n") for t in texts)
    copies = max(1, target_sentences // max(per_copy, 1))
    for r in range(copies):
        rng = random.Random(r)
        for i, text in enumerate(texts):
            (folder / f"copy{r:03d}_{i}.txt").write_text(vary(text, rng, vocabulary))


def write_mrpc_articles(folder: Path, path: Path, target_sentences: int) -> None:
    """Write the MRPC file's sentences (both columns, detokenised) as articles of 15."""
    sentences: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 5 and row[0] in ("0", "1"):
                sentences.extend(detokenise(s) for s in row[3:5])
    sentences = list(dict.fromkeys(sentences))[:target_sentences]
    for i in range(0, len(sentences), 15):
        body = "\n\n".join(sentences[i : i + 15])
        (folder / f"mrpc{i // 15:05d}.txt").write_text(f"Article {i // 15}\n\n{body}\n")


def detokenise(text: str) -> str:
    text = re.sub(r" ([,.;:!?%)]|'s|n't|'re|'ve|'ll|'d)", r"\1", text)
    return re.sub(r"([($]) ", r"\1", text).replace(" ' ", "'")


def bench_pipeline(args: argparse.Namespace, work: Path) -> None:
    from claims.attribution.store import attribute_pending
    from claims.embed import get_encoder
    from claims.ingest import ingest_paths

    articles = work / "articles"
    articles.mkdir()
    if args.mrpc:
        write_mrpc_articles(articles, Path(args.mrpc), args.sentences)
    else:
        write_seed_copies(articles, args.sentences)
    settings = Settings(db=work / "pipeline.duckdb")
    encoder = TimedEncoder(get_encoder(settings))
    encoder.inner.encode(["warm up the model"] * 8)
    con = store.connect(settings.db)
    ingest_paths(con, [articles], "probe", settings)  # only to read the sentences back
    sentences = [r[0] for r in con.execute("SELECT text FROM store.sentences").fetchall()]
    con.close()
    settings.db.unlink()
    bare_before = bare_encode_seconds(sentences)
    con = store.connect(settings.db)
    run_id = store.start_run(con, "bench")
    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    ingest_paths(con, [articles], run_id, settings)
    stages["ingest"] = time.perf_counter() - t0
    attribute_pending(con, run_id)
    stages["attribute"] = time.perf_counter() - t0 - sum(stages.values())
    embedded = claimstore.embed_pending(con, settings, run_id, encoder=encoder)
    stages["embed"] = time.perf_counter() - t0 - sum(stages.values())
    summary = claimstore.cluster_pending(con, settings, run_id)
    stages["cluster"] = time.perf_counter() - t0 - sum(stages.values())
    pipeline = time.perf_counter() - t0
    con.close()
    # The model is timed before and after the pipeline: the mean evens out a machine whose load
    # changes while the benchmark runs.
    bare = (bare_before + bare_encode_seconds(sentences)) / 2
    n = len(sentences)
    print(
        f"(a) {n} sentences ({'mrpc' if args.mrpc else 'varied seed copies'}); "
        f"pipeline embedded {embedded} distinct mention texts, {summary.new_claims} claims"
    )
    print(
        "    stage seconds: "
        + ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
        + f"; inside encode {encoder.seconds:.2f}"
    )
    print(
        f"    bare model.encode: {bare:.2f}s = {n / bare:.1f} sentences/s; "
        f"pipeline: {pipeline:.2f}s = {n / pipeline:.1f} sentences/s"
    )
    print(f"    RATIO pipeline/model throughput = {bare / pipeline:.3f} (target >= 0.9)")
    print(
        f"    RATIO non-model share of pipeline wall time = "
        f"{(pipeline - encoder.seconds) / pipeline:.3f} (target <= 0.10)"
    )
    claims_share = (stages["embed"] - encoder.seconds + stages["cluster"]) / pipeline
    print(f"    RATIO claim stages (mentions, embed I/O, cluster) share = {claims_share:.3f}")


def bare_encode_seconds(sentences: list[str]) -> float:
    """Return seconds for SentenceTransformer.encode(batch 32) on the sentences (fp32)."""
    from sentence_transformers import SentenceTransformer

    from claims.embed import resolve_model_path
    from claims.settings import DEFAULT_MODEL

    model = SentenceTransformer(resolve_model_path(DEFAULT_MODEL), device="cpu")
    model.encode(["warm up the model"] * 8)
    start = time.perf_counter()
    model.encode(sentences, batch_size=32, convert_to_numpy=True, show_progress_bar=False)
    return time.perf_counter() - start


# --- (b) store size --------------------------------------------------------------------------


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    """Return n random unit vectors."""
    v = rng.standard_normal((n, DIM), dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def build_store(path: Path, n: int, model: str, rng: np.random.Generator) -> np.ndarray:
    """Create a store of n clustered mentions (2 per claim, 10 per article); return vectors."""
    con = store.connect(path)
    vectors = unit_vectors(rng, n)
    if n:
        con.execute(
            """INSERT INTO store.articles (article_id, outlet, outlet_rule, source_path,
                   content_hash, raw_text, clean_text, ingested_at, run_id)
               SELECT 'a_syn' || i, 'outlet' || (i % 50), 'bench', 'syn', 'h' || i, '', '',
                      TIMESTAMP '2020-01-01' + to_seconds(i), 'r0'
               FROM range(?::BIGINT) t(i)""",
            [(n + 9) // 10],
        )
        con.execute(
            """INSERT INTO store.mentions
               SELECT 'm_syn' || i, 's_syn' || i, 'a_syn' || (i // 10), 'sentence', 0, 40,
                      'synthetic statement number ' || i || ' about topic ' || (i % 997),
                      'h_syn' || i, 'r0'
               FROM range(?::BIGINT) t(i)""",
            [n],
        )
        con.execute(
            """INSERT INTO store.claims SELECT 'c_syn' || i, 'm_syn' || (2 * i), 'r0', 'r0',
                      TIMESTAMP '2020-01-01' FROM range(?::BIGINT) t(i)""",
            [(n + 1) // 2],
        )
        con.execute(
            """INSERT INTO store.claim_members
               SELECT 'm_syn' || i, 'c_syn' || (i // 2), 1.0, 'verbatim', 'r0'
               FROM range(?::BIGINT) t(i)""",
            [n],
        )
        for start in range(0, n, 100_000):
            block = vectors[start : start + 100_000]
            hashes = [f"h_syn{i}" for i in range(start, start + len(block))]
            claimstore.store_vectors(con, model, hashes, block)
    con.close()
    return vectors


def new_texts(n: int, seed: int) -> list[str]:
    """Return n distinct news-like sentences: seed sentences with words varied per copy."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocabulary = sorted({w for t in texts for w in re.findall(r"[A-Za-z]{3,}", t)})
    sentences = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t)]
    sentences = [s for s in sentences if len(s.split()) >= 6]
    rng, out = random.Random(seed), dict[str, None]()
    while len(out) < n:
        out[vary(rng.choice(sentences), rng, vocabulary)] = None
    return list(out)


def add_new(con: store.Connection, texts: list[str], tag: str) -> None:
    """Add one mention per text, in new articles of 10 mentions each (not yet embedded)."""
    from claims.ids import text_hash

    con.execute(
        """INSERT INTO store.articles (article_id, outlet, outlet_rule, source_path, content_hash,
               raw_text, clean_text, ingested_at, run_id)
           SELECT 'a_new' || ? || i, 'newoutlet' || (i % 7), 'bench', 'new', 'n' || i, '', '',
                  TIMESTAMP '2021-01-01', 'r1'
           FROM range(?::BIGINT) t(i)""",
        [tag, (len(texts) + 9) // 10],
    )
    rows = [
        (f"m_new{tag}{i}", f"s_new{tag}{i}", f"a_new{tag}{i // 10}", t, text_hash(t))
        for i, t in enumerate(texts)
    ]
    con.executemany(
        "INSERT INTO store.mentions VALUES (?, ?, ?, 'sentence', 0, 40, ?, ?, 'r1')", rows
    )


def time_add(
    path: Path, n_new: int, repeats: int, encoder: TimedEncoder
) -> list[tuple[float, float]]:
    """Return (embed seconds, cluster seconds) for adding n_new new sentences, per repeat.

    Each repeat adds different texts. The first run also builds the vector mirror beside the
    database (once per store), so it is reported but not used for the ratios.
    """
    settings = Settings(db=path)
    times = []
    for r in range(repeats):
        con = store.connect(path)
        add_new(con, new_texts(n_new, 1000 + r), f"{r}_")
        run_id = store.start_run(con, "bench")
        model_before = encoder.seconds
        start = time.perf_counter()
        claimstore.embed_pending(con, settings, run_id, encoder=encoder)
        embedded = time.perf_counter() - start
        claimstore.cluster_pending(con, settings, run_id)
        model = encoder.seconds - model_before
        times.append((model, embedded - model, time.perf_counter() - start - embedded))
        con.close()
    return times


def bench_store(args: argparse.Namespace, work: Path) -> None:
    from claims.embed import get_encoder

    sizes = [int(s) for s in args.sizes.split(",")]
    model = claimstore.model_key(Settings())
    encoder = TimedEncoder(get_encoder(Settings()))
    encoder.inner.encode(["warm up the model"] * 8)
    rng = np.random.default_rng(0)
    store_s: dict[int, float] = {}
    cluster_s: dict[int, float] = {}
    model_runs: list[float] = []
    for n in [0, *sizes]:
        path = work / f"store{n}.duckdb"
        start = time.perf_counter()
        build_store(path, n, model, rng)
        built = time.perf_counter() - start
        runs = time_add(path, args.new, args.repeats, encoder)
        kept = runs[1:] or runs
        model_runs += [m for m, _, _ in kept]
        store_s[n] = min(o + c for _, o, c in kept)
        cluster_s[n] = min(c for _, _, c in kept)
        shown = ", ".join(f"{m:.2f}+{o:.2f}+{c:.2f}" for m, o, c in runs)
        print(
            f"(b) store of {n:>9,} mentions (built in {built:.1f}s): adding {args.new} sentences, "
            f"model+embed I/O+cluster seconds per run: {shown} (first run builds the mirror)",
            flush=True,
        )
        for f in path.parent.glob(path.name + "*"):
            f.unlink()
    # The model's work is the same whatever the store holds; on a shared machine its time swings
    # with the load, so the whole add is the median model time + this size's store-side time.
    model_s = float(np.median(model_runs))
    print(f"    model time for {args.new} sentences (median of {len(model_runs)}): {model_s:.2f}s")
    for n in sizes:
        whole = (model_s + store_s[n]) / (model_s + store_s[0])
        print(
            f"    RATIO add {args.new} sentences to {n:,} vs to empty: whole add {whole:.2f} "
            f"(target <= 1.5 at 1M); store-side work alone {store_s[n] / store_s[0]:.2f}; "
            f"clustering step alone {cluster_s[n] / cluster_s[0]:.2f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench claims")
    parser.add_argument("--mrpc", help="MRPC-format TSV whose sentences to use for (a)")
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--only", choices=["pipeline", "store"])
    parser.add_argument("--keep", help="work in this folder and keep it")
    args = parser.parse_args(argv or [])
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_claims_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.only in (None, "pipeline"):
            bench_pipeline(args, work)
        if args.only in (None, "store"):
            bench_store(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
