"""The `pipeline` flow: one Prefect task per stage, each over the whole batch, over the library.

ingest → attribute → embed → cluster → publish → report. Tasks return counts; the data travels
through the DuckDB working file, which this process holds open (one writer) for the whole run and
publishes as a read-only snapshot at the end (see claims.publish). With a Dask task runner the
embedding is split into batches computed on the workers, while storing stays in the flow.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.runner import apply_env_defaults

apply_env_defaults()  # before prefect is imported: its settings are read at import

import numpy as np  # noqa: E402
from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.runtime import flow_run  # noqa: E402

from claims import inbox, publish, store  # noqa: E402
from claims.errors import TerminalError  # noqa: E402
from claims.settings import Settings  # noqa: E402

log = logging.getLogger("claims.flows")

LIBRARY_LOGGERS = ("claims", "reports")


class InRunOnly(logging.Handler):
    """Forward records to Prefect's API log handler only inside a flow or task run.

    Outside a run (library code called directly in the same process) there is no run to log to,
    and Prefect would warn on every record.
    """

    def __init__(self, target: logging.Handler) -> None:
        super().__init__()
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        from prefect.context import FlowRunContext, TaskRunContext

        if FlowRunContext.get() is not None or TaskRunContext.get() is not None:
            self.target.handle(record)


def attach_library_loggers() -> None:
    """Send the library's log records to the Prefect run logs (UI) and console, INFO and up.

    PREFECT_LOGGING_EXTRA_LOGGERS does this only if set before Prefect was first imported, and
    leaves the level to the root's (WARNING); this works whatever was imported first.
    """
    from prefect.logging.handlers import APILogHandler

    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        attached = logger.handlers + [getattr(h, "target", None) for h in logger.handlers]
        for handler in logging.getLogger("prefect.extra").handlers:
            if handler not in attached:
                api = isinstance(handler, APILogHandler)
                logger.addHandler(InRunOnly(handler) if api else handler)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)


attach_library_loggers()

Progress = Callable[[str, int, int | None], None]


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Return whether a failed task run should be retried: only for transient claimtrack errors."""
    try:
        state.result()
    except Exception as exc:
        return bool(getattr(exc, "transient", False))
    return False


# Data travels through DuckDB: results are small dicts, never cached or persisted.
STAGE = {
    "retries": 2,
    "retry_delay_seconds": [1, 5],
    "retry_condition_fn": retry_if_transient,
    "cache_policy": NO_CACHE,
    "persist_result": False,
}


# --- the writer this process holds -------------------------------------------------------------


@dataclass
class Writer:
    """The lock, connection and run of one store this process is writing."""

    con: store.Connection
    run_id: str
    stack: ExitStack = field(default_factory=ExitStack)


_WRITERS: dict[str, Writer] = {}
_PROGRESS: list[Progress] = []


def writer_for(db: str) -> Writer:
    """Return the open writer for `db` (tasks that write run in the process holding it)."""
    try:
        return _WRITERS[str(db)]
    except KeyError:
        raise TerminalError("no open writer for this store in this process", path=db) from None


def register_writer(db: str, writer: Writer) -> None:
    # Tasks reach the registry only through module functions: a task body naming `_WRITERS`
    # would make cloudpickle (Dask) try to serialise the open connection with the task.
    _WRITERS[str(db)] = writer


@contextmanager
def progress_hook(callback: Progress | None) -> Iterator[None]:
    """Call `callback(stage, done, total)` from the stages run inside the block."""
    if callback is not None:
        _PROGRESS.append(callback)
    try:
        yield
    finally:
        if callback is not None:
            _PROGRESS.remove(callback)


def report_progress(stage: str, done: int, total: int | None) -> None:
    for callback in list(_PROGRESS):
        callback(stage, done, total)


def settings_from(overrides: dict[str, Any] | None, db: str, out: str) -> Settings:
    """Return Settings from the environment, the flow's overrides, and its db/out parameters."""
    values = dict(overrides or {})
    values.update(db=Path(db), report_dir=Path(out))
    return Settings(**values)


# --- tasks -------------------------------------------------------------------------------------


@task(name="plan", **STAGE)
def plan(paths: list[str], db: str) -> dict[str, Any]:
    """Return the new files under `paths` (judged by the published snapshot) and pending work."""
    pending, files = inbox.has_work(Path(db), [Path(p) for p in paths])
    log.info(
        "%d new file(s); pending work from an earlier run: %s",
        len(files),
        publish.has_pending_work(db),
    )
    return {"files": [str(f) for f in files], "pending": pending}


@task(name="open-store", **STAGE)
def open_store(db: str, command: str, lock_timeout: float) -> str:
    """Return the new run id after taking the writer lock and opening the working file."""
    path = Path(db)
    stack = ExitStack()
    try:
        stack.enter_context(publish.write_lock(path, timeout=lock_timeout))
        con = publish.open_working_copy(path)
        stack.callback(con.close)
        run_id = store.start_run(con, command, flow_run_id=flow_run.get_id())
    except BaseException:
        stack.close()
        raise
    register_writer(db, Writer(con, run_id, stack))
    return run_id


def close_store(db: str, counts: dict[str, Any] | None, error: str | None = None) -> None:
    """Record the run's end (failed when `error`), close the working file, release the lock."""
    writer = _WRITERS.pop(str(db), None)
    if writer is None:
        return
    try:
        if error is not None:
            store.finish_run(writer.con, writer.run_id, counts or {}, "failed", error)
    finally:
        writer.stack.close()


@task(name="ingest", **STAGE)
def ingest(db: str, files: list[str], settings: dict[str, Any]) -> dict[str, Any]:
    """Return ingest counts; files rejected for good are remembered so they are not retried."""
    from claims.pipeline import ingest_stage

    w = writer_for(db)
    conf = Settings(**settings)
    paths = [Path(f) for f in files]
    counts = ingest_stage(
        w.con,
        paths,
        w.run_id,
        conf,
        progress=lambda done, total: report_progress("ingest", done, total),
    )
    counts["files_remembered_rejected"] = inbox.remember_rejected(w.con, paths, w.run_id)
    counts.pop("article_ids_new", None)  # ids stay in the store; the summary stays small
    return counts


@task(name="attribute", **STAGE)
def attribute(db: str) -> dict[str, Any]:
    """Return how many sentences were attributed."""
    from claims.pipeline import attribute_stage

    w = writer_for(db)
    return attribute_stage(w.con, w.run_id)


@task(name="embed", **STAGE)
def embed(db: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Return how many texts were embedded in this process (one encode over all new texts)."""
    from claims.pipeline import embed_stage

    w = writer_for(db)
    return embed_stage(w.con, Settings(**settings), w.run_id)


@task(name="pending-texts", **STAGE)
def pending_texts(db: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Return the mention texts not yet embedded for the model (mentions are derived first)."""
    from claims.claimstore import extract_pending_mentions, model_key
    from claims.claimstore import pending_texts as texts_to_embed

    w = writer_for(db)
    conf = Settings(**settings)
    extract_pending_mentions(w.con, conf, w.run_id)
    model = model_key(conf)
    rows = texts_to_embed(w.con, model)
    return {"model": model, "hashes": [r[0] for r in rows], "texts": [r[1] for r in rows]}


@task(name="encode-batch", retries=1, cache_policy=NO_CACHE, persist_result=False)
def encode_batch(texts: list[str], settings: dict[str, Any]) -> np.ndarray:
    """Return the unit vectors of `texts` (runs on a Dask worker; the model loads once there)."""
    from claims.embed import get_encoder

    conf = Settings(**settings)
    return get_encoder(conf).encode(texts, batch_size=conf.embed_batch_size)


@task(name="store-vectors", **STAGE)
def store_vectors(db: str, model: str, hashes: list[str], vectors: list[np.ndarray]) -> int:
    """Return how many vectors were stored (one insert; the single writer is this process)."""
    from claims.claimstore import store_vectors as insert_vectors

    if not hashes:
        return 0
    insert_vectors(writer_for(db).con, model, hashes, np.concatenate(vectors))
    return len(hashes)


@task(name="cluster", **STAGE)
def cluster(db: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Return clustering counts (new claims, mentions that joined existing ones)."""
    from claims.pipeline import cluster_stage

    w = writer_for(db)
    counts = cluster_stage(w.con, Settings(**settings), w.run_id)
    counts.pop("claim_ids_changed", None)
    return counts


@task(name="publish", **STAGE)
def publish_store(db: str, counts: dict[str, Any]) -> dict[str, Any]:
    """Return the published path after closing the run and swapping in the new snapshot."""
    w = writer_for(db)
    store.finish_run(w.con, w.run_id, counts)
    publish.publish(w.con, Path(db))
    return {"published": str(db), "run_id": w.run_id}


@task(name="report", **STAGE)
def report(db: str, out: str) -> dict[str, Any]:
    """Return the page count after rendering the site from the published snapshot."""
    from reports.render import render_site

    summary = render_site(Path(db), Path(out))
    return {"report_pages": summary.pages, "report": str(summary.index)}


# --- the flow ----------------------------------------------------------------------------------


def batches(n: int, parts: int = 8, minimum: int = 32) -> list[tuple[int, int]]:
    """Return (start, end) slices cutting n items into about `parts` batches of >= `minimum`."""
    size = max(minimum, math.ceil(n / parts)) if n else 0
    return [(i, min(i + size, n)) for i in range(0, n, size)] if size else []


def embed_on_dask(db: str, settings: dict[str, Any], address: str) -> dict[str, Any]:
    """Return embed counts after encoding batches on a Dask cluster; storing stays here.

    Only the `encode-batch` tasks go to the workers (each loads the model once); reading the
    pending texts and inserting the vectors are tasks in this process, the store's one writer.
    """
    from prefect_dask import DaskTaskRunner

    pending = pending_texts(db, settings)
    texts, hashes = pending["texts"], pending["hashes"]
    if not texts:
        return {"texts_embedded": 0}
    # Workers get the dtype resolved here: `auto` read on another CPU could differ from the key
    # the vectors are stored under.
    from claims.embed import resolve_dtype

    worker_settings = {**settings, "model_dtype": resolve_dtype(Settings(**settings).model_dtype)}
    with DaskTaskRunner(address=address) as runner:
        futures = [
            runner.submit(encode_batch, {"texts": texts[a:b], "settings": worker_settings})
            for a, b in batches(len(texts))
        ]
        vectors = [future.result() for future in futures]
    return {
        "texts_embedded": store_vectors(db, pending["model"], hashes, vectors),
        "embed_batches": len(futures),
    }


def run_stages(db: str, files: list[str], conf: dict[str, Any], dask: str | None) -> dict:
    """Return the merged counts of ingest → attribute → embed → cluster → publish."""
    counts: dict[str, Any] = {}
    report_progress("ingest", 0, len(files))
    counts.update(ingest(db, files, conf))
    for stage, call in (
        ("attribute", lambda: attribute(db)),
        ("embed", lambda: embed_on_dask(db, conf, dask) if dask else embed(db, conf)),
        ("cluster", lambda: cluster(db, conf)),
    ):
        report_progress(stage, 0, None)
        counts.update(call())
        report_progress(stage, 1, 1)
    counts.update(publish_store(db, counts))
    return counts


@flow(name="claimtrack-pipeline")
def pipeline(
    paths: list[str],
    db: str,
    out: str,
    settings: dict[str, Any] | None = None,
    command: str = "claimtrack run",
    lock_timeout: float = 60.0,
    dask_address: str | None = None,
    feeds: list[str] | None = None,
    inbox_dir: str | None = None,
) -> dict[str, Any]:
    """Return the run's counts; a run with nothing new returns `nothing_new` and writes nothing.

    With `dask_address`, the embedding batches are computed on that Dask cluster.
    """
    conf = settings_from(settings, db, out).model_dump(mode="json")
    summary: dict[str, Any] = {}
    if feeds:
        summary.update(fetch_feeds_or_skip(feeds, inbox_dir or paths[0]))
    work = plan(paths, db)
    if not work["files"] and not work["pending"]:
        return summary | {"nothing_new": True} | refresh_missing_report(db, out)
    open_store(db, command, lock_timeout)
    try:
        summary.update(run_stages(db, work["files"], conf, dask_address))
    except BaseException as exc:
        close_store(db, summary, error=f"{type(exc).__name__}: {exc}")
        raise
    close_store(db, summary)
    summary.update(report(db, out))
    return summary


def refresh_missing_report(db: str, out: str) -> dict[str, Any]:
    """Return report counts if the report folder is missing (only then: nothing else changed)."""
    if Path(db).exists() and not (Path(out) / "index.html").exists():
        return dict(report(db, out))
    return {}


@task(name="fetch-feeds", **STAGE)
def fetch_feeds(feeds: list[str], inbox_dir: str) -> dict[str, Any]:
    """Return feed counts after writing each new item's page into the inbox.

    A feed that timed out raises TransientError after the others were fetched, so Prefect's
    retry fetches only what is still missing (items already in the inbox are skipped).
    """
    from claims.feeds import fetch_feeds_into

    summary = fetch_feeds_into(feeds, Path(inbox_dir))
    summary.raise_if_transient()
    return summary.counts()


def fetch_feeds_or_skip(feeds: list[str], inbox_dir: str) -> dict[str, Any]:
    """Return feed counts; feeds that still fail after retries do not stop the inbox run."""
    state = fetch_feeds(feeds, inbox_dir, return_state=True)
    if state.is_completed():
        return dict(state.result())
    log.warning("feeds failed, going on with the inbox: %s", state.message)
    return {"feed_failed": state.message or "failed"}
