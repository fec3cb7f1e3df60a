"""What a claim knows: its canonical mention, each mention's similarity and copy kind, its flags.

Recomputed for the claims a run touched, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import cluster
from .copykind import copy_kinds
from .flags import Flag, MemberFacts, claim_flags
from .mentions import quoted_spans
from .store import Connection
from .vectorcache import Vectors


def frame(con: Connection, name: str, columns: dict[str, Sequence[Any]]) -> None:
    """Register python columns as a DuckDB relation `name` (object arrays keep lists intact)."""
    data = {}
    for key, values in columns.items():
        arr = np.empty(len(values), dtype=object)
        arr[:] = list(values)
        data[key] = arr
    con.register(name, data)


def plain(cols: dict[str, Any]) -> dict[str, Any]:
    """Return fetchnumpy columns with masked (NULL) cells as None instead of masked constants."""
    out = {}
    for key, col in cols.items():
        if isinstance(col, np.ma.MaskedArray):
            mask = np.ma.getmaskarray(col)
            col = col.data.astype(object) if mask.any() else col.data
            if mask.any():
                col[mask] = None
        out[key] = col
    return out


def _members(con: Connection, claim_ids: Sequence[str]) -> dict[str, Any]:
    """Return the members of the claims with outlets and attributions, earliest seen first."""
    frame(con, "touched_claims", {"claim_id": list(claim_ids)})
    cols = con.execute(
        """SELECT cm.claim_id, m.mention_id, m.kind, m.text, m.char_start, m.char_end, m.text_hash,
                  a.outlet, t.kind AS attribution_kind, t.speaker, t.speaker_type,
                  t.quote_start, t.quote_end
           FROM store.claim_members cm
           JOIN store.mentions m USING (mention_id)
           JOIN store.articles a ON a.article_id = m.article_id
           LEFT JOIN store.attributions t ON t.sentence_id = m.sentence_id
           WHERE cm.claim_id IN (SELECT claim_id FROM touched_claims)
           ORDER BY cm.claim_id, coalesce(a.published_at, a.ingested_at), m.mention_id"""
    ).fetchnumpy()
    con.unregister("touched_claims")
    return plain(cols)


def _is_quoted(kind: str, text: str, start: int, end: int, q_start: Any, q_end: Any) -> bool:
    """Return whether the mention is inside quotation marks (so attributed to someone)."""
    if kind == "quote":
        return True
    if q_start is not None and q_end is not None and q_start <= start and end <= q_end:
        return True
    return sum(e - s for s, e in quoted_spans(text)) >= 0.5 * len(text)


def _facts(cols: dict[str, Any], i: int) -> MemberFacts:
    def val(key: str) -> Any:
        v = cols[key][i]
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else v

    quoted = _is_quoted(
        cols["kind"][i],
        cols["text"][i],
        int(cols["char_start"][i]),
        int(cols["char_end"][i]),
        val("quote_start"),
        val("quote_end"),
    )
    return MemberFacts(
        cols["mention_id"][i],
        cols["outlet"][i],
        cols["text"][i],
        cols["kind"][i],
        val("attribution_kind"),
        val("speaker"),
        val("speaker_type"),
        quoted,
    )


def refresh_claims(con: Connection, vectors: Vectors, claim_ids: Sequence[str], run_id: str) -> int:
    """Recompute canonical text, similarities, copy kinds and flags of claims; return #flags.

    The canonical mention is the most central one (highest mean cosine to the other members),
    ties going to the earliest seen; a quote within 0.03 of that wins instead, being the statement
    without any outlet's framing. Runs inside the caller's transaction.
    """
    if not claim_ids:
        return 0
    cols = _members(con, claim_ids)
    matrix = vectors.matrix[vectors.rows_of(cols["text_hash"])]
    claim_col = cols["claim_id"]
    bounds = np.r_[0, np.flatnonzero(claim_col[1:] != claim_col[:-1]) + 1, len(claim_col)]
    canon: list[tuple[str, str]] = []
    sims = np.empty(len(claim_col))
    kinds: list[str] = []
    flag_rows: list[tuple[str, Flag]] = []
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        c = start + cluster.central_index(matrix[start:end], cols["kind"][start:end] == "quote")
        canon.append((claim_col[start], cols["mention_id"][c]))
        sims[start:end] = matrix[start:end] @ matrix[c]
        kinds.extend(copy_kinds(cols["text"][start:end], cols["text"][c]))
        facts = [_facts(cols, i) for i in range(start, end)]
        flag_rows.extend((claim_col[start], f) for f in claim_flags(facts))
    _write_refresh(con, cols, canon, sims, kinds, run_id)
    _write_flags(con, claim_ids, flag_rows, run_id)
    return len(flag_rows)


def _write_refresh(
    con: Connection,
    cols: dict[str, Any],
    canon: list[tuple[str, str]],
    sims: np.ndarray,
    kinds: list[str],
    run_id: str,
) -> None:
    """Store each claim's canonical mention and each member's similarity and copy kind."""
    frame(con, "canon", {"claim_id": [c for c, _ in canon], "mention_id": [m for _, m in canon]})
    con.execute(
        """UPDATE store.claims SET canonical_mention_id = canon.mention_id, updated_run_id = ?
           FROM canon WHERE store.claims.claim_id = canon.claim_id""",
        [run_id],
    )
    con.unregister("canon")
    frame(
        con,
        "member_info",
        {
            "mention_id": list(cols["mention_id"]),
            "similarity": [round(float(s), 6) for s in sims],
            "copy_kind": kinds,
        },
    )
    con.execute(
        """UPDATE store.claim_members SET similarity = member_info.similarity,
                  copy_kind = member_info.copy_kind
           FROM member_info WHERE store.claim_members.mention_id = member_info.mention_id"""
    )
    con.unregister("member_info")


def _write_flags(
    con: Connection, claim_ids: Sequence[str], rows: list[tuple[str, Flag]], run_id: str
) -> None:
    """Replace the flags of the claims with `rows`."""
    frame(con, "touched_claims", {"claim_id": list(claim_ids)})
    con.execute(
        "DELETE FROM store.claim_flags WHERE claim_id IN (SELECT claim_id FROM touched_claims)"
    )
    con.unregister("touched_claims")
    if not rows:
        return
    frame(
        con,
        "new_flags",
        {
            "claim_id": [c for c, _ in rows],
            "flag": [f.flag for _, f in rows],
            "mention_ids": [f.mention_ids for _, f in rows],
            "detail": [f.detail for _, f in rows],
        },
    )
    con.execute(
        """INSERT INTO store.claim_flags
           SELECT claim_id, flag, mention_ids::TEXT[], detail, ? FROM new_flags""",
        [run_id],
    )
    con.unregister("new_flags")
