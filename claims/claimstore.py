"""The claim stages on the store: derive mentions, embed them, cluster them, describe each claim.

Stage functions (`embed_pending`, `cluster_pending`, `recluster`) take an open writable connection
and handle the whole batch: one `encode` call over every new text, one search of the stored vectors
(read from the file mirror in `vectorcache`), one scorer call over the candidate pairs, set-based
inserts. What each claim knows (canonical text, copy kinds, flags) is in `claiminfo`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from . import cluster
from .annindex import load_index
from .claiminfo import frame, refresh_claims
from .cluster import Edge, Item, PairScorer
from .embed import embedding_key
from .equivalence import CANDIDATE_FLOOR, claim_decision, default_scorer
from .mentions import Mention, sentence_mentions
from .settings import Settings
from .store import Connection, transaction, utcnow
from .vectorcache import Vectors, load_vectors

# Candidate search: neighbours per distinct text, above `equivalence.CANDIDATE_FLOOR` (MiniLM
# puts unrelated news sentences well under 0.5). A candidate the decision refuses may still be a
# quote excerpt ("We regret this decision by Washington" inside the full quote).
TOP_K = 5


class ClusterSummary(BaseModel):
    """Counts of one clustering pass (and the ids of existing claims that changed).

    `joined`: mentions that joined a claim (an existing one or one founded in this batch) rather
    than founding one. `claims_kept` / `claims_retired`: reclustering only, old ids kept / gone.
    """

    mentions_clustered: int = 0
    new_claims: int = 0
    joined: int = 0
    claims_touched: int = 0
    flags: int = 0
    claim_ids_changed: list[str] = []
    claims_kept: int = 0
    claims_retired: int = 0


def model_key(settings: Settings) -> str:
    """Return the key embeddings are stored under (claims.embed.Encoder.model_id's rule)."""
    return embedding_key(settings.model, settings.model_dtype)


# --- mentions -------------------------------------------------------------------------------


def extract_pending_mentions(con: Connection, settings: Settings, run_id: str) -> int:
    """Return how many mentions were stored for sentences that have none yet."""
    rows = con.execute(
        """SELECT s.sentence_id, s.article_id, s.text, s.char_start, t.quote_start, t.quote_end
           FROM store.sentences s LEFT JOIN store.attributions t USING (sentence_id)
           WHERE NOT EXISTS (SELECT 1 FROM store.mentions m WHERE m.sentence_id = s.sentence_id)
           ORDER BY s.sentence_id"""
    ).fetchall()
    mentions = [m for row in rows for m in _mentions_of_row(row, settings)]
    return insert_mentions(con, mentions, run_id)


def _mentions_of_row(row: tuple[Any, ...], settings: Settings) -> list[Mention]:
    sentence_id, article_id, text, char_start, q_start, q_end = row
    span = (q_start, q_end) if q_start is not None and q_end is not None else None
    return sentence_mentions(
        sentence_id,
        article_id,
        text,
        char_start,
        min_mention_words=settings.min_mention_words,
        min_quote_words=settings.min_quote_words,
        quote_span=span,
    )


def insert_mentions(con: Connection, mentions: Sequence[Mention], run_id: str) -> int:
    """Return how many of `mentions` were new; inserts them in one statement."""
    if not mentions:
        return 0
    before = _count(con, "store.mentions")
    fields = ["mention_id", "sentence_id", "article_id", "kind", "char_start", "char_end"]
    fields += ["text", "text_hash"]
    frame(con, "new_mentions", {f: [getattr(m, f) for m in mentions] for f in fields})
    con.execute(
        f"""INSERT INTO store.mentions ({", ".join(fields)}, run_id)
            SELECT {", ".join(fields)}, ? FROM new_mentions ON CONFLICT DO NOTHING""",
        [run_id],
    )
    con.unregister("new_mentions")
    return _count(con, "store.mentions") - before


def _count(con: Connection, table: str) -> int:
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next call.
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


# --- embedding ------------------------------------------------------------------------------


def embed_pending(con: Connection, settings: Settings, run_id: str, encoder: Any = None) -> int:
    """Return how many texts were embedded: every mention text not yet embedded for the model.

    Mentions are derived first. Texts are keyed by (model, text hash), so wire copy carried by
    ten outlets is encoded once and nothing is encoded twice across runs.
    """
    extract_pending_mentions(con, settings, run_id)
    model = encoder.model_id if encoder is not None else model_key(settings)
    rows = pending_texts(con, model)
    if not rows:
        return 0
    if encoder is None:  # loaded only when there is something to embed
        from .embed import get_encoder

        encoder = get_encoder(settings)
    vectors = encoder.encode([r[1] for r in rows], batch_size=settings.embed_batch_size)
    store_vectors(con, encoder.model_id, [r[0] for r in rows], vectors)
    return len(rows)


def pending_texts(con: Connection, model: str) -> list[tuple[str, str]]:
    """Return (text_hash, text) of every mention text not yet embedded for `model`, by hash."""
    rows = con.execute(
        """SELECT m.text_hash, min(m.text) FROM store.mentions m
           WHERE NOT EXISTS (SELECT 1 FROM store.embeddings e
                             WHERE e.model = ? AND e.text_hash = m.text_hash)
           GROUP BY m.text_hash ORDER BY m.text_hash""",
        [model],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def store_vectors(con: Connection, model: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
    """Insert embedding rows for `hashes` (one statement; existing keys are kept)."""
    frame(con, "new_vectors", {"text_hash": hashes, "vector": list(vectors.astype(np.float32))})
    con.execute(
        """INSERT INTO store.embeddings (model, text_hash, vector, created_at)
           SELECT ?, text_hash, vector, ? FROM new_vectors ON CONFLICT DO NOTHING""",
        [model, utcnow()],
    )
    con.unregister("new_vectors")


# --- clustering -----------------------------------------------------------------------------


def _pending(con: Connection, model: str) -> list[Item]:
    """Return unclustered embedded mentions in processing order (published time, mention id)."""
    rows = con.execute(
        """SELECT m.mention_id, m.article_id, m.sentence_id, m.text_hash, m.text, m.kind
           FROM store.mentions m
           JOIN store.articles a ON a.article_id = m.article_id
           WHERE EXISTS (SELECT 1 FROM store.embeddings e
                         WHERE e.model = ? AND e.text_hash = m.text_hash)
             AND NOT EXISTS (SELECT 1 FROM store.claim_members c
                             WHERE c.mention_id = m.mention_id)
           ORDER BY a.published_at NULLS LAST, m.mention_id""",
        [model],
    ).fetchall()
    return [Item(*row) for row in rows]


def _carriers(con: Connection, hashes: Sequence[str]) -> dict[str, list[tuple[Item, str | None]]]:
    """Return, per text hash, every mention with that text and its claim (None if unclustered)."""
    frame(con, "wanted_hashes", {"text_hash": sorted(set(hashes))})
    rows = con.execute(
        """SELECT m.mention_id, m.article_id, m.sentence_id, m.text_hash, m.text, m.kind,
                  cm.claim_id
           FROM store.mentions m LEFT JOIN store.claim_members cm USING (mention_id)
           WHERE m.text_hash IN (SELECT text_hash FROM wanted_hashes)"""
    ).fetchall()
    con.unregister("wanted_hashes")
    out: dict[str, list[tuple[Item, str | None]]] = {}
    for *fields, claim_id in rows:
        item = Item(*fields)
        out.setdefault(item.text_hash, []).append((item, claim_id))
    return out


def _claim_members(con: Connection, claim_ids: Sequence[str]) -> dict[str, list[Item]]:
    """Return the members (as Items) of the given claims."""
    if not claim_ids:
        return {}
    frame(con, "wanted_claims", {"claim_id": sorted(set(claim_ids))})
    rows = con.execute(
        """SELECT cm.claim_id, m.mention_id, m.article_id, m.sentence_id, m.text_hash, m.text,
                  m.kind
           FROM store.claim_members cm JOIN store.mentions m USING (mention_id)
           WHERE cm.claim_id IN (SELECT claim_id FROM wanted_claims)"""
    ).fetchall()
    con.unregister("wanted_claims")
    members: dict[str, list[Item]] = {}
    for claim_id, *rest in rows:
        members.setdefault(claim_id, []).append(Item(*rest))
    return members


def cluster_pending(
    con: Connection,
    settings: Settings,
    run_id: str,
    scorer: PairScorer | None = None,
    model: str | None = None,
) -> ClusterSummary:
    """Return what clustering did: every unclustered mention joined a claim or founded one.

    `model` is the embedding key (default: the settings' model, as `embed_pending` stores it).
    """
    model = model or model_key(settings)
    items = _pending(con, model)
    if not items:
        return ClusterSummary()
    vectors = load_vectors(con, model)
    scorer = scorer or default_scorer()
    edges, existing = _edges(con, items, vectors, scorer, settings)
    assignment = cluster.assign(items, edges, existing)
    with transaction(con):
        summary = _write_assignment(con, items, assignment, run_id)
        summary.flags = refresh_claims(con, vectors, sorted(set(assignment.claim_ids)), run_id)
    return summary


def _edges(
    con: Connection,
    items: list[Item],
    vectors: Vectors,
    scorer: PairScorer,
    settings: Settings,
) -> tuple[list[Edge], dict[str, list[Item]]]:
    """Return the equivalent pairs of the new mentions, and the members of the claims they touch.

    Search and scoring work on distinct texts (wire copy carried by many outlets is one row):
    one chunked matmul of the new texts against every stored vector, one decision over the
    candidate text pairs (`equivalence.ClaimDecision`); each equivalent text pair then links
    every mention carrying the one text to every mention (or existing claim) carrying the other.
    """
    texts = sorted({it.text_hash for it in items})
    queries = vectors.matrix[vectors.rows_of(texts)]
    index = load_index(vectors.stem, vectors.matrix, vectors.hashes, settings.index_min_rows)
    pairs = cluster.search(
        queries, vectors.matrix, vectors.bf16, k=TOP_K, floor=CANDIDATE_FLOOR, index=index
    )
    found = vectors.hashes[pairs.target]
    carriers = _carriers(con, found.tolist())
    text_of = {it.text_hash: it.text for it in items}
    text_of.update({h: ms[0][0].text for h, ms in carriers.items()})
    by_text: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_text.setdefault(it.text_hash, []).append(i)
    # Only pairs that may link mentions of two articles (or a sentence and its own quote or
    # clause) need the scorer: two statements of one article never merge (Component.compatible).
    todo = np.array(
        [
            _may_link([items[i] for i in by_text[texts[q]]], carriers.get(h, []))
            for q, h in zip(pairs.query.tolist(), found.tolist(), strict=True)
        ],
        dtype=bool,
    ).nonzero()[0]
    decision = claim_decision(settings, scorer)
    scores = np.zeros(len(found))
    scores[todo] = decision.scores(
        [text_of[texts[q]] for q in pairs.query[todo].tolist()],
        [text_of.get(h, "") for h in found[todo].tolist()],
        pairs.cosine[todo],
        identical=found[todo] == np.asarray(texts, dtype=object)[pairs.query[todo]],
    )
    same = decision.same(scores)
    index = {it.mention_id: i for i, it in enumerate(items)}
    edges: list[Edge] = []
    for q, h, score, ok in zip(pairs.query, found, scores, same, strict=True):
        for i in by_text[texts[q]]:
            for other, claim_id in carriers.get(h, []):
                edge = _edge(
                    items[i],
                    i,
                    other,
                    claim_id,
                    index,
                    float(score),
                    bool(ok),
                    settings.min_quote_words,
                )
                edges += [edge] if edge is not None else []
    claims = sorted({e.claim_id for e in edges if e.claim_id is not None})
    return edges, _claim_members(con, claims)


def _may_link(mine: list[Item], others: list[tuple[Item, str | None]]) -> bool:
    """Return whether a mention of one text may join a carrier of the other (not itself)."""
    return any(
        o.mention_id != m.mention_id and cluster.may_share_claim(m, o)
        for m in mine
        for o, _ in others
    )


def _edge(
    item: Item,
    i: int,
    other: Item,
    claim_id: str | None,
    index: dict[str, int],
    score: float,
    equivalent: bool,
    min_quote_words: int,
) -> Edge | None:
    """Return the edge from new mention i to `other` (or its claim), if they are equivalent."""
    if other.mention_id == item.mention_id:
        return None
    if not equivalent and not cluster.is_excerpt(item, other, min_quote_words):
        return None
    if claim_id is not None:
        return Edge(score, i, claim_id=claim_id)
    j = index.get(other.mention_id)
    return Edge(score, i, b=j) if j is not None else None


def _write_assignment(
    con: Connection, items: list[Item], assignment: cluster.Assignment, run_id: str
) -> ClusterSummary:
    """Insert the new claims and memberships; return the counts."""
    founded = [
        (c, it.mention_id)
        for c, it, f in zip(assignment.claim_ids, items, assignment.founded, strict=True)
        if f
    ]
    if founded:
        frame(
            con,
            "new_claims",
            {"claim_id": [c for c, _ in founded], "mention_id": [m for _, m in founded]},
        )
        con.execute(
            """INSERT INTO store.claims SELECT claim_id, mention_id, ?, ?, ? FROM new_claims
               ON CONFLICT DO NOTHING""",
            [run_id, run_id, utcnow()],
        )
        con.unregister("new_claims")
    frame(
        con,
        "new_members",
        {"mention_id": [it.mention_id for it in items], "claim_id": assignment.claim_ids},
    )
    con.execute(
        """INSERT INTO store.claim_members (mention_id, claim_id, joined_run_id)
           SELECT mention_id, claim_id, ? FROM new_members ON CONFLICT DO NOTHING""",
        [run_id],
    )
    con.unregister("new_members")
    new_ids = {c for c, _ in founded}
    return ClusterSummary(
        mentions_clustered=len(items),
        new_claims=len(new_ids),
        joined=len(items) - len(founded),
        claims_touched=len(set(assignment.claim_ids)),
        claim_ids_changed=sorted(set(assignment.claim_ids) - new_ids),
    )


# --- reclustering ---------------------------------------------------------------------------


def sync_mentions(con: Connection, settings: Settings, run_id: str) -> int:
    """Return #mentions changed after re-deriving every sentence's mentions under the settings."""
    rows = con.execute(
        """SELECT s.sentence_id, s.article_id, s.text, s.char_start, t.quote_start, t.quote_end
           FROM store.sentences s LEFT JOIN store.attributions t USING (sentence_id)"""
    ).fetchall()
    mentions = [m for row in rows for m in _mentions_of_row(row, settings)]
    frame(con, "current_mentions", {"mention_id": [m.mention_id for m in mentions]})
    before = _count(con, "store.mentions")
    con.execute(
        """DELETE FROM store.mentions
           WHERE mention_id NOT IN (SELECT mention_id FROM current_mentions)"""
    )
    con.unregister("current_mentions")
    removed = before - _count(con, "store.mentions")
    return removed + insert_mentions(con, mentions, run_id)


def _old_claims(con: Connection) -> tuple[dict[str, set[str]], dict[str, tuple[Any, ...]]]:
    """Return (claim id -> member mention ids, claim id -> (created_run_id, created_at))."""
    members: dict[str, set[str]] = {}
    for claim_id, mention_id in con.execute(
        "SELECT claim_id, mention_id FROM store.claim_members"
    ).fetchall():
        members.setdefault(claim_id, set()).add(mention_id)
    created = {
        r[0]: (r[1], r[2])
        for r in con.execute(
            "SELECT claim_id, created_run_id, created_at FROM store.claims"
        ).fetchall()
    }
    return members, created


def recluster(
    con: Connection,
    settings: Settings,
    run_id: str,
    scorer: PairScorer | None = None,
    encoder: Any = None,
) -> ClusterSummary:
    """Return counts after rebuilding every claim from scratch with the current settings.

    Mentions are re-derived first. A rebuilt claim keeps the id of the old claim whose members
    it mostly shares (Jaccard >= 0.5, each old id used once); the others get fresh ids.
    """
    sync_mentions(con, settings, run_id)
    embed_pending(con, settings, run_id, encoder=encoder)
    model = encoder.model_id if encoder is not None else model_key(settings)
    old_members, created = _old_claims(con)
    vectors = load_vectors(con, model)
    scorer = scorer or default_scorer()
    with transaction(con):
        for table in ("claim_flags", "claim_members", "claims"):
            con.execute(f"DELETE FROM store.{table}")
        items = _pending(con, model)
        edges, _ = _edges(con, items, vectors, scorer, settings)
        renamed = _rename(cluster.assign(items, edges, {}), items, old_members)
        summary = _write_assignment(con, items, renamed, run_id)
        _restore_created(con, created)
        summary.flags = refresh_claims(con, vectors, sorted(set(renamed.claim_ids)), run_id)
    kept = set(renamed.claim_ids) & set(old_members)
    summary.claims_kept = len(kept)
    summary.claims_retired = len(set(old_members) - kept)
    summary.claim_ids_changed = sorted(
        c for c in kept if old_members[c] != _members_of(renamed, items, c)
    )
    return summary


def _members_of(assignment: cluster.Assignment, items: list[Item], claim_id: str) -> set[str]:
    return {
        it.mention_id for c, it in zip(assignment.claim_ids, items, strict=True) if c == claim_id
    }


def _rename(
    assignment: cluster.Assignment, items: list[Item], old_members: dict[str, set[str]]
) -> cluster.Assignment:
    """Return the assignment with rebuilt claims renamed to the old ids they mostly match."""
    new_members: dict[str, set[str]] = {}
    for claim_id, item in zip(assignment.claim_ids, items, strict=True):
        new_members.setdefault(claim_id, set()).add(item.mention_id)
    mapping = cluster.match_old_ids(new_members, old_members)
    taken = set(mapping.values())
    for key in sorted(new_members):
        if key not in mapping:
            fresh, n = key, 0
            while fresh in taken:  # an old id kept by another cluster: derive a new one
                n += 1
                fresh = "c_" + cluster.digest(key, str(n))
            mapping[key] = fresh
            taken.add(fresh)
    return cluster.Assignment(
        [mapping[c] for c in assignment.claim_ids], assignment.founded, assignment.scores
    )


def _restore_created(con: Connection, created: dict[str, tuple[Any, ...]]) -> None:
    """Put back when (and by which run) a kept claim was first created."""
    if not created:
        return
    ids = list(created)
    frame(
        con,
        "old_created",
        {
            "claim_id": ids,
            "created_run_id": [created[c][0] for c in ids],
            "created_at": [created[c][1] for c in ids],
        },
    )
    con.execute(
        """UPDATE store.claims SET created_run_id = o.created_run_id, created_at = o.created_at
           FROM old_created o WHERE store.claims.claim_id = o.claim_id"""
    )
    con.unregister("old_created")
