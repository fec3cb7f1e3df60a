"""Benchmark the HTML report: render a synthetic store of 10,000 claims / 50,000 mentions.

The store is built in a few set-based SQL statements straight into store.* (no pipeline, no
model), so this times `render_site` alone. The issue's target compares it with the pipeline:

    render seconds <= 0.10 x seconds the pipeline took to build a store of that size

Pass the pipeline's time with `--pipeline-seconds S` (from bench_claims, scaled to 50,000
mentions) to print the ratio; without it only the render time and pages/s are printed.

    python -m bench render [--claims 10000] [--per-claim 5] [--pipeline-seconds S] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from claims import store
from reports.load import load_store
from reports.render import render_site

N_OUTLETS = 40
MENTIONS_PER_ARTICLE = 10

# One SQL macro-like expression per column, on row number k (0-based mention number):
# claim = k // per_claim, rank = k % per_claim; the article index keeps a claim's mentions in
# distinct outlets; words vary with the rank so diffs and copy kinds are non-trivial.
SETUP_SQL = """
CREATE TEMP TABLE bench_m AS
SELECT k, k // $per AS c, k % $per AS r, (k % $n_articles) AS art,
       ['Officials', 'Police', 'The ministry', 'Rescue workers', 'Analysts'][1 + (k // $per) % 5]
         || ' said ' || ((k // $per) * 37 % 90000 + 1000
                         + CASE WHEN k % $per = 3 THEN 500 ELSE 0 END)
         || ' people had been '
         || ['evacuated', 'moved', 'displaced', 'relocated'][1 + k % $per % 4]
         || ' from ' || ['the northern district', 'the coastal towns', 'the old city',
                         'the valley', 'the border villages'][1 + (k // $per // 5) % 5]
         || ' on ' || ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'][1 + (k // $per) % 5]
         || CASE WHEN k % $per >= 2 THEN ', according to local reports.' ELSE '.' END AS text,
       ['direct', 'indirect', 'unattributed', 'according_to', 'partial'][1 + k % $per % 5] AS kind,
       ['Anna Weber', 'John Okafor', 'Li Wen', 'Maria Costa', 'Omar Haddad'][1 + (k // $per) % 5]
         AS speaker,
       ['verbatim', 'verbatim', 'edited', 'paraphrase', 'edited'][1 + k % $per % 5] AS copy_kind
FROM range($n_mentions) t(k)
"""

INSERT_SQL = [
    """INSERT INTO store.runs (run_id, started_at, finished_at, status, command, counts)
       VALUES ('r_bench_1', TIMESTAMP '2025-01-01 00:00', TIMESTAMP '2025-01-01 00:10',
               'completed', 'bench', '{"articles_new": 1}'),
              ('r_bench_2', TIMESTAMP '2025-01-02 00:00', TIMESTAMP '2025-01-02 00:10',
               'completed', 'bench', '{"articles_new": 1}')""",
    """INSERT INTO store.articles (article_id, outlet, outlet_rule, title, url, published_at,
              source_path, content_hash, raw_text, clean_text, ingested_at, run_id)
       SELECT 'a_' || a, 'Outlet ' || (a % $n_outlets), 'metadata', 'Story number ' || a,
              'https://outlet' || (a % $n_outlets) || '.example/story/' || a,
              TIMESTAMP '2025-01-01 06:00' + INTERVAL (a * 7 % 2880) MINUTE,
              'bench/' || a || '.txt', 'h' || a, '', '', TIMESTAMP '2025-01-02 00:00',
              CASE WHEN a % 10 = 0 THEN 'r_bench_2' ELSE 'r_bench_1' END
       FROM range($n_articles) t(a)""",
    """INSERT INTO store.sentences
       SELECT 's_' || k, 'a_' || art, k // $n_articles, text, 0, length(text), 'r_bench_1'
       FROM bench_m""",
    """INSERT INTO store.attributions (sentence_id, kind, speaker_as_written, speaker,
              speaker_type, cue, via, rule, uncertain, run_id)
       SELECT 's_' || k, kind, CASE WHEN kind = 'unattributed' THEN NULL ELSE speaker END,
              CASE WHEN kind = 'unattributed' THEN NULL ELSE speaker END, 'person',
              CASE WHEN kind = 'unattributed' THEN NULL ELSE 'said' END, NULL, 'bench', FALSE,
              'r_bench_1'
       FROM bench_m""",
    """INSERT INTO store.mentions
       SELECT 'm_' || k, 's_' || k, 'a_' || art, 'sentence', 0, length(text), text, 'th' || k,
              'r_bench_1'
       FROM bench_m""",
    """INSERT INTO store.claim_members
       SELECT 'm_' || k, 'c_' || c, CASE WHEN r = 0 THEN 1.0 ELSE 0.9 - r * 0.02 END, copy_kind,
              CASE WHEN art % 10 = 0 THEN 'r_bench_2' ELSE 'r_bench_1' END
       FROM bench_m""",
    """INSERT INTO store.claims
       SELECT 'c_' || c, 'm_' || k, 'r_bench_1', 'r_bench_2', TIMESTAMP '2025-01-01 00:10'
       FROM bench_m WHERE r = 0""",
    """INSERT INTO store.claim_flags
       SELECT 'c_' || c, 'numbers_differ', list('m_' || k ORDER BY k),
              'counts differ between outlets', 'r_bench_2'
       FROM bench_m WHERE c % 7 = 0 GROUP BY c""",
    """INSERT INTO store.claim_flags
       SELECT 'c_' || c, 'attribution_dropped', list('m_' || k ORDER BY k),
              'some outlets give no source', 'r_bench_1'
       FROM bench_m WHERE c % 3 = 0 GROUP BY c""",
]


def build_store(path: Path, n_claims: int, per_claim: int) -> None:
    """Write the synthetic store: n_claims claims of per_claim mentions in distinct outlets."""
    n_mentions = n_claims * per_claim
    params = {
        "per": per_claim,
        "n_mentions": n_mentions,
        "n_articles": n_mentions // MENTIONS_PER_ARTICLE,
        "n_outlets": N_OUTLETS,
    }
    con = store.connect(path)
    with store.transaction(con):
        con.execute(SETUP_SQL, {k: v for k, v in params.items() if k != "n_outlets"})
        for sql in INSERT_SQL:
            con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    con.execute("CHECKPOINT")
    con.close()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench render")
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--per-claim", type=int, default=5)
    parser.add_argument("--pipeline-seconds", type=float, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="render the site here and keep it")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    db = work / "bench.duckdb"
    t0 = time.perf_counter()
    build_store(db, args.claims, args.per_claim)
    print(
        f"    store: {args.claims} claims, {args.claims * args.per_claim} mentions, "
        f"built in {time.perf_counter() - t0:.1f} s (direct SQL inserts, not the pipeline)"
    )
    con = store.connect(db, read_only=True)
    t0 = time.perf_counter()
    load_store(con)
    load_seconds = time.perf_counter() - t0
    con.close()
    out = args.keep or work / "site"
    cpu = time.process_time()
    summary = render_site(db, out)
    cpu = time.process_time() - cpu
    size = sum(p.stat().st_size for p in out.rglob("*.html"))
    print(f"    load (queries only) {load_seconds:.2f} s")
    print(
        f"    render {summary.seconds:.2f} s: {summary.pages} pages, "
        f"{summary.pages / summary.seconds:.0f} pages/s, {size / 1e6:.1f} MB, "
        f"index {summary.index.stat().st_size / 1e6:.1f} MB"
    )
    # CPU time is the steadier number on a shared machine; wall time is what the target uses
    print(f"    render CPU {cpu:.2f} s (user+system, this process)")
    if args.pipeline_seconds:
        ratio = summary.seconds / args.pipeline_seconds
        print(
            f"    RATIO render/pipeline = {ratio:.3f} (target <= 0.10; pipeline "
            f"{args.pipeline_seconds:.1f} s)"
        )
    else:
        print("    RATIO render/pipeline: pass --pipeline-seconds (pipeline time for this store)")
