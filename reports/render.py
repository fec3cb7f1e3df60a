"""Render the static site from the store: build page data, fill templates, swap the folder in."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from claims import store

from . import pages, site_pages
from .load import StoreData, load_store

STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class RenderSummary:
    """What a render wrote: the page count, the site folder and its index page."""

    pages: int
    claims: int
    outlets: int
    out_dir: Path
    index_path: Path
    seconds: float

    @property
    def index(self) -> Path:
        return self.index_path


@cache
def environment() -> Environment:
    """Return the one Jinja2 environment: autoescaping, strict about undefined names."""
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def index_script() -> tuple[Markup, Markup]:
    """Return the index page's script and its CSP source: only this exact script may run."""
    code = (STATIC / "index.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
    return Markup(code), Markup(f"'sha256-{digest}'")


@cache
def template(name: str) -> Template:
    return environment().get_template(f"{name}.html")


def render_site(
    db: Path | str | duckdb.DuckDBPyConnection,
    out_dir: Path,
    *,
    generated_at: datetime | str | None = None,
) -> RenderSummary:
    """Render the whole site from `db` (a path, opened read-only, or a connection) into out_dir."""
    started = time.perf_counter()
    data = read_store(db)
    stamp = generation_label(data, generated_at)
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        n_pages = write_pages(data, tmp, stamp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a served site must be readable
        swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return RenderSummary(
        pages=n_pages,
        claims=len(data.claims),
        outlets=len(data.outlets),
        out_dir=out_dir,
        index_path=out_dir / "index.html",
        seconds=time.perf_counter() - started,
    )


def read_store(db: Path | str | duckdb.DuckDBPyConnection) -> StoreData:
    """Return the store's rows, opening a path read-only and closing it afterwards."""
    if isinstance(db, duckdb.DuckDBPyConnection):
        return load_store(db)
    con = store.connect(Path(db), read_only=True)
    try:
        return load_store(con)
    finally:
        con.close()


def generation_label(data: StoreData, generated_at: datetime | str | None) -> str:
    """Return the footer's 'as of' time: given, else the latest run's end, so output is stable."""
    if isinstance(generated_at, str):
        return generated_at
    if generated_at is None and data.runs:
        latest = max(data.runs, key=lambda r: (r.finished_at or r.started_at, r.run_id))
        generated_at = latest.finished_at or latest.started_at
    return pages.fmt_time(generated_at) + " UTC" if generated_at else "an unknown time"


class PageWriter:
    """Renders pages here and writes the files on a few threads.

    Creating a file can block for milliseconds when the disk is busy; the threads overlap that
    wait with rendering the next page (file I/O releases the GIL).
    """

    def __init__(self, out: Path, base: dict[str, Any], threads: int = 4) -> None:
        self.out, self.base = out, base
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="report-write")
        self.pending: list[Future[int]] = []
        self.count = 0

    def page(self, href: str, name: str, **context: Any) -> None:
        html = template(name).render({**self.base, **context})
        self.pending.append(self.pool.submit((self.out / href).write_text, html, "utf-8"))
        self.count += 1
        if len(self.pending) >= 256:  # bound memory: wait for the oldest batch of writes
            self.drain()

    def drain(self) -> None:
        for future in self.pending:
            future.result()  # re-raises a failed write (disk full, permissions)
        self.pending = []

    def close(self) -> int:
        """Wait for every write and return the number of pages written."""
        try:
            self.drain()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
        return self.count


def write_pages(data: StoreData, out: Path, stamp: str) -> int:
    """Write every page under `out` and return how many were written."""
    (out / "claims").mkdir()
    (out / "outlets").mkdir()
    # A Content-Security-Policy in every page: even if escaping ever failed, injected script
    # could not run; only the index's own script (by hash) may.
    index_js, script_src = index_script()
    writer = PageWriter(out, {"generated_at": stamp, "script_src": Markup("'none'")})
    try:
        writer.page(
            "index.html", "index", root="", section="claims", page=pages.index_page(data),
            script_src=script_src, index_js=index_js,
        )  # fmt: skip
        outlets = site_pages.outlet_summaries(data)
        writer.page("outlets.html", "outlets", root="", section="outlets", outlets=outlets)
        matrix = site_pages.matrix_page(data)
        writer.page("matrix.html", "matrix", root="", section="matrix", page=matrix)
        writer.page("run.html", "run", root="", section="run", page=site_pages.run_page(data))
        for claim in data.claims:
            mentions = data.mentions.get(claim.claim_id, [])
            page = pages.claim_page(claim, mentions, data.flags.get(claim.claim_id, []))
            writer.page(
                pages.claim_href(claim.claim_id), "claim", root="../", section="claims", page=page
            )
        for outlet in site_pages.outlet_pages(data):
            writer.page(outlet.href, "outlet", root="../", section="outlets", page=outlet)
    finally:
        n = writer.close()
    return n


def swap_in(new: Path, out_dir: Path) -> None:
    """Replace out_dir by `new` with two renames, so readers see the old site or the new one."""
    old: Path | None = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        old.rmdir()
        out_dir.rename(old)
    try:
        new.rename(out_dir)
    except BaseException:
        if old is not None:
            old.rename(out_dir)  # put the previous site back rather than leave nothing
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
