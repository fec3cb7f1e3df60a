"""The `claimtrack` command: parse, call one library (or flow) function, print, exit.

Prefect is imported only by the commands that orchestrate (`run`, `serve`), so `sql`, `eval` and
`ingest` start quickly.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from claims.errors import ClaimtrackError
from claims.settings import Settings

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}.items():
    os.environ.setdefault(_name, _value)

app = typer.Typer(
    help="Track how news claims travel across outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Evaluate a pipeline step on a labelled file.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB file users query (default: CLAIMTRACK_DB).")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Report folder (default: CLAIMTRACK_REPORT_DIR).")
]
PathsArgument = Annotated[list[Path], typer.Argument(help="Article files or folders.")]


def settings_for(db: Path | None = None, out: Path | None = None) -> Settings:
    """Return settings from the environment, with command-line values taking precedence."""
    overrides: dict[str, Any] = {}
    if db is not None:
        overrides["db"] = db
    if out is not None:
        overrides["report_dir"] = out
    return Settings(**overrides)


def fail(exc: ClaimtrackError) -> typer.Exit:
    """Print one clear line for a library error and return the exit to raise."""
    typer.echo(f"claimtrack: error: {exc}", err=True)
    if exc.transient:
        typer.echo("claimtrack: this may succeed if retried", err=True)
    return typer.Exit(75 if exc.transient else 2)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """Yield a `(done, total)` callback drawing a progress bar on stderr (silent when not a tty)."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def print_counts(title: str, counts: dict[str, Any]) -> None:
    typer.echo(title)
    for key, value in counts.items():
        if isinstance(value, int | float | str) and not key.endswith("_ids"):
            typer.echo(f"  {key.replace('_', ' ')}: {value}")


def print_rejected(errors: list[Any]) -> None:
    for item in errors:
        path, reason = (item[0], item[1]) if isinstance(item, list | tuple) else (item, "")
        typer.echo(f"claimtrack: rejected {path}: {reason}", err=True)


@app.command()
def ingest(paths: PathsArgument, db: DbOption = None) -> None:
    """Store articles (text, Markdown with front matter, HTML, JSON Lines) and their sentences."""
    from claims import publish, store
    from claims.pipeline import ingest_stage

    settings = settings_for(db)
    try:
        with publish.writer(settings.db) as con, progress_bar("ingesting") as progress:
            run_id = store.start_run(con, "claimtrack ingest")
            counts = ingest_stage(con, paths, run_id, settings, progress=progress)
            store.finish_run(con, run_id, counts)
    except ClaimtrackError as exc:
        raise fail(exc) from exc
    print_rejected(counts.get("errors", []))
    print_counts(f"ingested into {settings.db}", counts)


@app.command()
def run(
    paths: PathsArgument,
    db: DbOption = None,
    out: OutOption = None,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Dask scheduler address for the embedding stage.")
    ] = None,
    direct: Annotated[
        bool, typer.Option("--direct", help="Call the stages directly, without Prefect.")
    ] = False,
) -> None:
    """Run the whole pipeline (ingest → attribute → embed → cluster → publish → report)."""
    settings = settings_for(db, out)
    try:
        if direct:
            from flows.direct import run_direct

            summary = run_direct(paths, settings)
        else:
            from flows.runner import run_pipeline

            summary = run_pipeline(
                paths, settings.db, settings.report_dir, settings, dask_address=dask
            )
    except ClaimtrackError as exc:
        raise fail(exc) from exc
    if summary.get("nothing_new"):
        typer.echo("nothing new to process; the database and report are unchanged")
    else:
        print_rejected(summary.get("errors", []))
        print_counts("run finished", summary)
    typer.echo(f"database: {settings.db}")
    typer.echo(f"report:   {Path(settings.report_dir) / 'index.html'}")


@app.command()
def report(db: DbOption = None, out: OutOption = None) -> None:
    """Render the HTML report from the published database."""
    from reports.render import render_site

    settings = settings_for(db, out)
    try:
        summary = render_site(settings.db, settings.report_dir)
    except ClaimtrackError as exc:
        raise fail(exc) from exc
    typer.echo(f"report: {summary.index_path} ({summary.pages} pages)")


@app.command()
def recluster(db: DbOption = None) -> None:
    """Rebuild all claims from scratch with the current settings, keeping ids that survive."""
    from claims import publish, store
    from claims.claimstore import recluster as recluster_store

    settings = settings_for(db)
    try:
        with publish.writer(settings.db) as con:
            run_id = store.start_run(con, "claimtrack recluster")
            summary = recluster_store(con, settings, run_id)
            counts = summary.model_dump() if hasattr(summary, "model_dump") else dict(summary)
            store.finish_run(con, run_id, counts)
    except ClaimtrackError as exc:
        raise fail(exc) from exc
    print_counts("reclustered", counts)


@app.command()
def serve(
    inbox: Annotated[Path, typer.Option("--inbox", help="Folder watched for new article files.")],
    db: DbOption = None,
    out: OutOption = None,
    interval: Annotated[
        str | None, typer.Option("--interval", help="Run every INTERVAL, e.g. 10m, 1h, 30s.")
    ] = None,
    cron: Annotated[str | None, typer.Option("--cron", help="Cron schedule instead.")] = None,
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="RSS/Atom feed URL (repeatable).")
    ] = None,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Dask scheduler address for the embedding stage.")
    ] = None,
) -> None:
    """Serve the pipeline deployment on a schedule, picking up only new files in the inbox."""
    from flows.serve import serve_inbox

    settings = settings_for(db, out)
    try:
        serve_inbox(
            inbox,
            settings.db,
            settings.report_dir,
            interval=interval,
            cron=cron,
            feeds=list(feed or []),
            dask_address=dask,
            settings=settings,
        )
    except ClaimtrackError as exc:
        raise fail(exc) from exc


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run (read-only).")],
    db: DbOption = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (one array of objects).")
    ] = False,
) -> None:
    """Run a read-only SQL query against the published database."""
    from claims import store

    settings = settings_for(db)
    try:
        con = store.connect(settings.db, read_only=True)
    except ClaimtrackError as exc:
        raise fail(exc) from exc
    try:
        cursor = con.execute(query)
    except Exception as exc:  # duckdb raises many error types; all mean "bad query" here
        typer.echo(f"claimtrack: error: {exc}", err=True)
        raise typer.Exit(2) from exc
    columns = [d[0] for d in cursor.description or []]
    rows = cursor.fetchall()
    write_rows(columns, rows, as_csv=as_csv, as_json=as_json)


def write_rows(
    columns: list[str], rows: list[tuple[Any, ...]], *, as_csv: bool, as_json: bool
) -> None:
    """Print query results as CSV, JSON or an aligned text table."""
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif as_json:
        typer.echo(
            json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=1)
        )
    else:
        typer.echo(format_table(columns, rows))


def format_table(columns: list[str], rows: list[tuple[Any, ...]], width: int = 80) -> str:
    """Return rows as a plain aligned table, long cells cut to `width` characters."""
    cells = [[_cell(v, width) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: Any, width: int) -> str:
    text = "NULL" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


@eval_app.command("sentences")
def eval_sentences(
    path: Annotated[Path, typer.Argument(help="JSON Lines in the sbd_cases format.")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List the failures.")] = False,
) -> None:
    """Print the exact-match rate of sentence splitting on labelled cases."""
    from claims.evaluation.sentences import evaluate_sentences

    metrics = run_eval(lambda: evaluate_sentences(path))
    if verbose:
        for failure in metrics.get("failures", []):
            typer.echo(json.dumps(failure, ensure_ascii=False))
    print_metrics(metrics)


@eval_app.command("attribution")
def eval_attribution(
    path: Annotated[Path, typer.Argument(help="JSON Lines in the PolNeAR format.")],
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="Write per-sentence predictions here.")
    ] = None,
) -> None:
    """Print attribution precision / recall / F1, speaker accuracy and cue F1."""
    from claims.evaluation.attribution import evaluate_attribution

    print_metrics(run_eval(lambda: evaluate_attribution(path, predictions=predictions)))


@eval_app.command("pairs")
def eval_pairs(
    path: Annotated[Path, typer.Argument(help="TSV in the MRPC format.")],
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="Write `id1 id2 score same` TSV here.")
    ] = None,
) -> None:
    """Print precision / recall / F1 / average precision of the claim-equivalence decision."""
    from claims.evaluation.pairs import evaluate_pairs

    print_metrics(run_eval(lambda: evaluate_pairs(path, predictions=predictions)))


@eval_app.command("merges")
def eval_merges(
    path: Annotated[Path, typer.Argument(help="JSON Lines in the ECB+ topics format.")],
    examples: Annotated[int, typer.Option("--examples", help="Print this many false merges.")] = 0,
) -> None:
    """Print how many multi-article claims merge a topic's two different events."""
    from claims.evaluation.merges import evaluate_merges, example_lines

    metrics = run_eval(lambda: evaluate_merges(path, examples=examples))
    for line in example_lines(metrics):
        typer.echo(line)
    print_metrics(metrics)


def run_eval(evaluate: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return evaluate()
    except ClaimtrackError as exc:
        raise fail(exc) from exc
    except FileNotFoundError as exc:
        typer.echo(f"claimtrack: error: {exc.filename}: no such file", err=True)
        raise typer.Exit(2) from exc


def print_metrics(metrics: dict[str, Any], indent: str = "") -> None:
    """Print a (possibly nested) metrics dict, one `name: value` a line, floats to 4 places."""
    for key, value in metrics.items():
        if isinstance(value, dict):
            typer.echo(f"{indent}{key}:")
            print_metrics(value, indent + "  ")
        elif isinstance(value, float):
            typer.echo(f"{indent}{key}: {value:.4f}")
        elif isinstance(value, int | str | bool) or value is None:
            typer.echo(f"{indent}{key}: {value}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
