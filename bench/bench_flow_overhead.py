"""Benchmark Prefect's orchestration overhead: `claimtrack run` (the flow) vs `run --direct`.

Both are timed as whole CLI processes on the same synthetic articles, each into a fresh store, so
the flow's numbers include everything a user waits for (Prefect import, the temporary server or
the configured one, task bookkeeping). Then a second flow run over the same folder, which finds
nothing new, is timed. The issue's targets:

    flow seconds <= 1.05 x direct seconds          (same 1,000 articles, one run)
    a run that finds nothing new finishes in a few seconds

Articles are synthesised from the seed sentences (varied numbers, places and outlets), or read
from `--articles DIR`.

    python -m bench flow_overhead [--articles-n 1000] [--sentences 20] [--articles DIR]
                                  [--repeat 1] [--keep DIR]
    python -m bench flow_overhead --startup      # only: how the one-shot run starts Prefect

`--startup` times the five seed articles three ways: `run --direct`; `claimtrack run` (the
temporary server booting while Prefect is imported and the model loaded); and the same flow
called plainly, so Prefect starts its temporary server on first use, before any work. Export
PREFECT_API_URL to a running `prefect server start` to time runs against it instead.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PLACES = [
    "the northern district",
    "the harbour",
    "the old town",
    "the valley",
    "the airport",
    "the river port",
    "the eastern suburbs",
    "the market square",
    "the university",
]


def seed_sentences() -> list[str]:
    """Return the seed articles' sentences of 8-60 words (a rough split is enough here)."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", " ".join(text.split()))
    return [p for p in parts if 8 <= len(p.split()) <= 60]


def vary(sentence: str, rng: random.Random) -> str:
    """Return the sentence with its numbers changed and a place appended, so texts differ."""
    changed = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 400)), sentence)
    if changed.endswith("."):
        changed = changed[:-1] + f" in {rng.choice(PLACES)}."
    return changed


def synthesise(folder: Path, n: int, sentences: int = 20, seed: int = 7) -> list[Path]:
    """Write n articles (front matter + varied seed sentences) and return their paths."""
    rng = random.Random(seed)
    pool = seed_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        body = " ".join(vary(s, rng) for s in rng.sample(pool, min(sentences, len(pool))))
        text = (
            f"---\noutlet: Outlet {i % 25}\ntitle: Story {i}\n"
            f"published_at: 2026-10-{1 + i % 28:02d}\n---\n{body}\n"
        )
        path = folder / f"article_{i:05d}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


CPU_SECONDS: list[float] = []  # CPU (user + sys) of each timed process and its children


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_cli(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Return (wall seconds, output) of one `claimtrack` CLI process; its CPU goes to CPU_SECONDS.

    CPU time includes the temporary Prefect server (a child the CLI waits for). On a machine
    shared with other work, wall time carries their noise; CPU time shows the overhead itself.
    """
    started, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    CPU_SECONDS.append(children_cpu() - cpu)
    if done.returncode != 0:
        raise SystemExit(f"claimtrack {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench flow_overhead")
    parser.add_argument("--articles-n", type=int, default=1000)
    parser.add_argument(
        "--sentences",
        type=int,
        default=20,
        help="sentences per synthetic article (news articles have 20-30)",
    )
    parser.add_argument("--articles", type=Path, help="use these article files instead")
    parser.add_argument("--repeat", type=int, default=1, help="pairs of runs to time")
    parser.add_argument("--keep", type=Path, help="work here and keep the files")
    parser.add_argument("--startup", action="store_true", help="compare ways of starting Prefect")
    args = parser.parse_args(argv)
    if args.startup:
        startup_comparison(Path(tempfile.mkdtemp(prefix="bench-startup-")))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-flow-"))
    articles = args.articles or work / "articles"
    if args.articles is None and not articles.exists():
        synthesise(articles, args.articles_n, args.sentences)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    server = env.get("PREFECT_API_URL") or "temporary local server"
    print(f"articles: {len(list(articles.glob('*')))} in {articles}; Prefect API: {server}")
    ratios = []
    try:
        for i in range(args.repeat):
            ratios.append(one_pair(work / f"pair{i}", articles, env))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if len(ratios) > 1:
        print(f"flow/direct ratios: {', '.join(f'{r:.3f}' for r in ratios)}")


def one_pair(work: Path, articles: Path, env: dict[str, str]) -> float:
    """Time direct, flow and nothing-new runs into fresh stores; print and return the ratio."""
    direct_s, _ = timed_cli(
        [
            "run",
            "--direct",
            str(articles),
            "--db",
            str(work / "direct.duckdb"),
            "--out",
            str(work / "direct-site"),
        ],
        env,
    )
    flow_args = [
        "run",
        str(articles),
        "--db",
        str(work / "flow.duckdb"),
        "--out",
        str(work / "flow-site"),
    ]
    flow_s, out = timed_cli(flow_args, env)
    direct_cpu, flow_cpu = CPU_SECONDS[-2:]
    idle_s, idle_out = timed_cli(flow_args, env)
    if "nothing new" not in idle_out:
        print(f"warning: the second run was not a nothing-new run:\n{idle_out}")
    embedded = re.search(r"texts embedded: (\d+)", out)
    print(f"direct (no Prefect):   {direct_s:7.2f} s wall {direct_cpu:7.2f} s CPU")
    print(
        f"flow (Prefect tasks):  {flow_s:7.2f} s wall {flow_cpu:7.2f} s CPU   "
        f"({embedded.group(1) if embedded else '?'} texts embedded)"
    )
    cpu_ratio = flow_cpu / direct_cpu
    print(
        f"flow / direct:         {flow_s / direct_s:7.3f} x wall {cpu_ratio:5.3f} x CPU"
        "   (target <= 1.05)"
    )
    print(f"nothing-new flow run:  {idle_s:7.2f} s")
    return flow_s / direct_s


PLAIN_FLOW = """
import sys
from flows.pipeline import pipeline
pipeline(paths=[sys.argv[1]], db=sys.argv[2], out=sys.argv[3])
"""


def timed_python(code: str, args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def startup_comparison(work: Path) -> None:
    """Print wall seconds of the seeds run: direct, `claimtrack run`, plain flow call."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    server = env.get("PREFECT_API_URL") or "temporary local server"
    print(f"seeds: {len(list(SEEDS.glob('*.txt')))} articles; Prefect API: {server}")
    try:
        for name in ("direct", "run", "plain"):
            db, out = work / f"{name}.duckdb", work / f"{name}-site"
            if name == "plain":
                seconds = timed_python(PLAIN_FLOW, [str(SEEDS), str(db), str(out)], env)
            else:
                extra = ["--direct"] if name == "direct" else []
                seconds, _ = timed_cli(
                    ["run", *extra, str(SEEDS), "--db", str(db), "--out", str(out)], env
                )
            print(f"{name:>7}: {seconds:6.2f} s")
        seconds, _ = timed_cli(
            ["run", str(SEEDS), "--db", str(work / "run.duckdb"), "--out", str(work / "run-site")],
            env,
        )
        print(f"nothing new (`claimtrack run` again, no flow started): {seconds:6.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
