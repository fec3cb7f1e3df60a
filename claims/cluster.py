"""Incremental clustering of mentions into claims (pure numpy; the store side is claimstore.py).

For a batch of new mentions (sorted by published time, then mention id):
1. candidates are each mention's top-k neighbours by cosine (one chunked matmul for the batch)
   among the members of existing claims and the other mentions of the batch;
2. every candidate pair is scored once by the equivalence scorer (one vectorised call);
3. equivalent pairs are merged strongest first (union-find): a new mention joins the existing claim
   it matches best, new mentions group with each other, and a group with no existing claim becomes
   a new claim whose id is a hash of its first mention's id.

Existing members never move and two existing claims never merge, so adding articles never
renumbers, splits or rewrites a claim. A merge may not put two different statements of one article
into one claim: two sentences of one article are usually two statements. The exceptions are a
sentence and the quote or clause it contains (same sentence) and a repeated identical text (a
caption printed twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .ids import digest
from .mentions import words


class PairScorer(Protocol):
    """Anything deciding whether two texts state the same thing (claims.equivalence)."""

    threshold: float

    def score(
        self, texts_a: Sequence[str], texts_b: Sequence[str], cosines: np.ndarray
    ) -> np.ndarray: ...


@dataclass
class CosineScorer:
    """Return the cosine itself as the score: the fallback when no trained scorer is given."""

    threshold: float = 0.8

    def score(
        self, texts_a: Sequence[str], texts_b: Sequence[str], cosines: np.ndarray
    ) -> np.ndarray:
        return np.asarray(cosines, dtype=np.float64)


@dataclass(frozen=True)
class Item:
    """What clustering needs to know about one mention besides its vector."""

    mention_id: str
    article_id: str
    sentence_id: str
    text_hash: str
    text: str
    kind: str = "sentence"


@dataclass(frozen=True)
class Pairs:
    """Candidate pairs: query row, target row, cosine (flat arrays of equal length)."""

    query: np.ndarray
    target: np.ndarray
    cosine: np.ndarray

    FIELDS = ("query", "target", "cosine")

    @staticmethod
    def empty() -> Pairs:
        return Pairs(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32))


def claim_id_for(founding_mention_id: str) -> str:
    """Return the id of a claim founded by this mention."""
    return "c_" + digest(founding_mention_id)


def neighbour_pairs(
    queries: np.ndarray,
    matrix: np.ndarray,
    *,
    k: int,
    floor: float,
    earlier_only: bool = False,
    chunk: int = 32768,
    block: int = 4096,
) -> Pairs:
    """Return each query's top-k rows of `matrix` with cosine >= floor (vectors L2-normalised).

    With `earlier_only`, `matrix` is the queries themselves and only rows before the query count.
    The matmul runs over blocks of queries x chunks of `matrix`, so memory stays bounded on a
    large store; only the few cells above `floor` are kept (no per-row sort of a million cells).
    """
    if len(queries) == 0 or len(matrix) == 0:
        return Pairs.empty()
    found = [
        _block_pairs(queries, q0, matrix, m0, block, chunk, floor, earlier_only)
        for q0 in range(0, len(queries), block)
        for m0 in range(0, len(matrix), chunk)
        if not (earlier_only and m0 >= q0 + block)
    ]
    merged = Pairs(*(np.concatenate([getattr(p, f) for p in found]) for f in Pairs.FIELDS))
    return top_k_pairs(merged, k)


# Above this many stored rows the candidate search multiplies in bfloat16 (torch; AMX on CPUs
# that have it, ~5x a float32 numpy matmul here), then recomputes the kept pairs in float32.
BF16_MIN_ROWS = 50_000
BF16_MARGIN = 0.03  # bf16 dot products of unit vectors are off by < 0.01; keep a margin


def coarse_pairs(
    queries: np.ndarray,
    matrix: np.ndarray,
    bf16_bits: np.ndarray,
    *,
    k: int,
    floor: float,
    chunk: int = 65536,
) -> Pairs:
    """Return the same as `neighbour_pairs`, searching a bfloat16 copy of `matrix`.

    `bf16_bits` holds `matrix` as bfloat16 bit patterns (uint16). Pairs within `BF16_MARGIN`
    of the floor are kept, then their cosines are recomputed exactly from `matrix` (which may
    be a memory map: only those rows are read) and filtered at `floor`.
    """
    import torch

    if len(queries) == 0 or len(matrix) == 0:
        return Pairs.empty()
    q = torch.from_numpy(np.ascontiguousarray(queries)).to(torch.bfloat16)
    m = torch.from_numpy(bf16_bits).view(torch.bfloat16)
    rows, cols = [], []
    for m0 in range(0, len(bf16_bits), chunk):
        hit = ((q @ m[m0 : m0 + chunk].T) >= floor - BF16_MARGIN).nonzero().numpy()
        rows.append(hit[:, 0])
        cols.append(hit[:, 1] + m0)
    r, c = np.concatenate(rows), np.concatenate(cols)
    exact = np.einsum("ij,ij->i", queries[r], matrix[c]).astype(np.float32)
    keep = exact >= floor
    return top_k_pairs(Pairs(r[keep], c[keep], exact[keep]), k)


# Candidates asked of the approximate index per query, as a multiple of k: its 8-bit scores
# rank roughly, and the exact cosines pick the k best among them.
INDEX_CANDIDATES = 4


def indexed_pairs(
    queries: np.ndarray, matrix: np.ndarray, index: Any, *, k: int, floor: float, block: int = 4096
) -> Pairs:
    """Return each query's top-k neighbours >= floor among the candidates an approximate index
    (`claims.annindex`) proposes, with cosines recomputed exactly from `matrix`."""
    if len(queries) == 0 or len(matrix) == 0:
        return Pairs.empty()
    found = [
        _indexed_block(queries, q0, matrix, index, k, floor, block)
        for q0 in range(0, len(queries), block)
    ]
    merged = Pairs(*(np.concatenate([getattr(p, f) for p in found]) for f in Pairs.FIELDS))
    return top_k_pairs(merged, k)


def _indexed_block(
    queries: np.ndarray, q0: int, matrix: np.ndarray, index: Any, k: int, floor: float, block: int
) -> Pairs:
    """Return the candidate pairs >= floor of one block of queries (memory stays bounded when
    `recluster` asks with every stored text)."""
    part = np.ascontiguousarray(queries[q0 : q0 + block], dtype=np.float32)
    _, found = index.search(part, k * INDEX_CANDIDATES)
    rows = np.repeat(np.arange(len(part), dtype=np.int64), found.shape[1])
    cols = found.ravel().astype(np.int64)
    rows, cols = rows[cols >= 0], cols[cols >= 0]
    order = np.argsort(cols, kind="stable")  # read the memory-mapped rows in file order
    rows, cols = rows[order], cols[order]
    exact = np.einsum("ij,ij->i", part[rows], matrix[cols]).astype(np.float32)
    keep = exact >= floor
    return Pairs(rows[keep] + q0, cols[keep], exact[keep])


def search(
    queries: np.ndarray,
    matrix: np.ndarray,
    bf16_bits: np.ndarray | None,
    *,
    k: int,
    floor: float,
    index: Any = None,
) -> Pairs:
    """Return each query's top-k neighbours >= floor: through the approximate index when one is
    given (large stores), else by brute force, in bfloat16 when the store is large."""
    if index is not None:
        return indexed_pairs(queries, matrix, index, k=k, floor=floor)
    if bf16_bits is not None and len(matrix) >= BF16_MIN_ROWS:
        try:
            return coarse_pairs(queries, matrix, bf16_bits, k=k, floor=floor)
        except ImportError:
            pass
    return neighbour_pairs(queries, matrix, k=k, floor=floor)


def _block_pairs(
    queries: np.ndarray,
    q0: int,
    matrix: np.ndarray,
    m0: int,
    block: int,
    chunk: int,
    floor: float,
    earlier_only: bool,
) -> Pairs:
    """Return the pairs >= floor between one block of queries and one chunk of the matrix."""
    sims = queries[q0 : q0 + block] @ matrix[m0 : m0 + chunk].T
    if earlier_only:
        later = np.arange(m0, m0 + sims.shape[1])[None, :] >= np.arange(q0, q0 + len(sims))[:, None]
        sims[later] = -np.inf
    rows, cols = np.nonzero(sims >= floor)
    return Pairs(rows + q0, cols + m0, sims[rows, cols])


def top_k_pairs(pairs: Pairs, k: int) -> Pairs:
    """Return at most k pairs per query, the highest cosines, ordered by query then cosine."""
    order = np.lexsort((pairs.target, -pairs.cosine, pairs.query))
    query, target, cosine = pairs.query[order], pairs.target[order], pairs.cosine[order]
    if len(query) == 0:
        return Pairs.empty()
    starts = np.r_[0, np.flatnonzero(np.diff(query)) + 1]
    rank = np.arange(len(query)) - np.repeat(starts, np.diff(np.r_[starts, len(query)]))
    keep = rank < k
    return Pairs(query[keep], target[keep], cosine[keep])


def may_share_claim(x: Item, y: Item) -> bool:
    """Return whether two mentions may be in one claim: not two statements of one article (a
    sentence with its own quote or clause, or a repeated text, is one statement)."""
    return (
        x.article_id != y.article_id or x.sentence_id == y.sentence_id or x.text_hash == y.text_hash
    )


@dataclass
class Component:
    """A growing claim during assignment: its existing claim id (if any) and its statements."""

    claim_id: str | None = None
    by_article: dict[str, list[Item]] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        self.by_article.setdefault(item.article_id, []).append(item)

    def compatible(self, other: Component) -> bool:
        """Return whether the two may merge: never two existing claims, never two statements
        of one article (a sentence with its own quote, or a repeated text, is one statement)."""
        if self.claim_id is not None and other.claim_id is not None:
            return False
        return all(
            may_share_claim(x, y)
            for article in self.by_article.keys() & other.by_article.keys()
            for x in self.by_article[article]
            for y in other.by_article[article]
        )

    def absorb(self, other: Component) -> None:
        self.claim_id = self.claim_id or other.claim_id
        for article, members in other.by_article.items():
            self.by_article.setdefault(article, []).extend(members)


@dataclass(frozen=True)
class Assignment:
    """Where each new mention went: its claim id, whether it founded it, its best edge score."""

    claim_ids: list[str]
    founded: list[bool]
    scores: list[float]


@dataclass(frozen=True)
class Edge:
    """An equivalent pair: new mention `a` (index into the batch) and either another new
    mention `b` (index) or an existing claim `claim_id`."""

    score: float
    a: int
    b: int | None = None
    claim_id: str | None = None


def assign(
    items: Sequence[Item],
    edges: Sequence[Edge],
    existing_members: dict[str, list[Item]],
) -> Assignment:
    """Return the claim of each new mention (items in processing order), given equivalent pairs.

    Pairs are merged strongest first (ties by mention ids), so the result does not depend on
    input order; a merge is refused when it would join two existing claims or two statements of
    one article. A group holding an existing claim takes its id; a new group is named after its
    first mention in processing order (published time, then mention id).
    """
    n = len(items)
    claim_nodes = {c: n + j for j, c in enumerate(sorted(existing_members))}
    comps = [Component() for _ in items] + [Component(c) for c in sorted(existing_members)]
    for i, item in enumerate(items):
        comps[i].add(item)
    for claim_id, members in existing_members.items():
        for m in members:
            comps[claim_nodes[claim_id]].add(m)
    parent = list(range(len(comps)))
    best = [0.0] * n
    for edge in sorted(edges, key=lambda e: _edge_key(e, items)):
        a = edge.a
        b = claim_nodes[edge.claim_id] if edge.claim_id is not None else edge.b
        assert b is not None
        ra, rb = _root(parent, a), _root(parent, b)
        if ra != rb and comps[ra].compatible(comps[rb]):
            keep, gone = min(ra, rb), max(ra, rb)
            comps[keep].absorb(comps[gone])
            parent[gone] = keep
            for node in (a, b):
                if node < n:
                    best[node] = max(best[node], edge.score)
    return _name(items, comps, parent, best)


def _edge_key(edge: Edge, items: Sequence[Item]) -> tuple[float, str, str]:
    other = edge.claim_id if edge.claim_id is not None else items[edge.b or 0].mention_id
    a, b = sorted((items[edge.a].mention_id, other))
    return (-edge.score, a, b)


def _root(parent: list[int], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _name(
    items: Sequence[Item], comps: list[Component], parent: list[int], best: list[float]
) -> Assignment:
    """Return the assignment: existing claim ids kept, new claims named by their first mention."""
    founder: dict[int, int] = {}
    for i in range(len(items)):
        founder.setdefault(_root(parent, i), i)
    claim_ids, founded = [], []
    for i in range(len(items)):
        root = _root(parent, i)
        existing = comps[root].claim_id
        claim_ids.append(existing or claim_id_for(items[founder[root]].mention_id))
        founded.append(existing is None and founder[root] == i)
    return Assignment(claim_ids, founded, best)


def central_index(
    vectors: np.ndarray, preferred: np.ndarray | None = None, margin: float = 0.03
) -> int:
    """Return the most central row (highest mean cosine to the others), preferring `preferred`.

    A preferred row (a quote: the statement without any outlet's framing) wins when it is within
    `margin` of the most central one; remaining ties go to the first row (the earliest seen).
    """
    if len(vectors) == 1:
        return 0
    sims = vectors @ vectors.T
    # Round so float noise between identical copies does not decide.
    mean = np.round((sims.sum(axis=1) - np.diag(sims)) / (len(vectors) - 1), 5)
    best = int(np.argmax(mean))
    if preferred is None:
        return best
    close = np.flatnonzero((mean >= mean[best] - margin) & preferred)
    return int(close[np.argmax(mean[close])]) if len(close) else best


def is_excerpt(short: Item, long: Item, min_words: int) -> bool:
    """Return whether quote `short` is a verbatim excerpt of quote `long` (>= min_words words).

    Outlets cut quotes: "We regret this decision by Washington" is the opening of a longer quote
    another outlet printed in full. Same speaker, same words: the same statement.
    """
    if short.kind != "quote" or long.kind != "quote":
        return False
    a, b = words(short.text), words(long.text)
    if len(a) > len(b):
        a, b = b, a
    return len(a) >= min_words and f" {' '.join(a)} " in f" {' '.join(b)} "


def excerpt_scores(
    a: Sequence[Item], b: Sequence[Item], scores: np.ndarray, threshold: float, min_words: int
) -> np.ndarray:
    """Return scores raised to `threshold` for pairs where one quote is an excerpt of the other."""
    out = np.array(scores, dtype=np.float64)
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if out[i] < threshold and is_excerpt(x, y, min_words):
            out[i] = threshold
    return out


def match_old_ids(
    new_clusters: dict[str, set[str]], old_clusters: dict[str, set[str]], min_jaccard: float = 0.5
) -> dict[str, str]:
    """Return new cluster key -> old claim id, for pairs whose member sets overlap enough.

    Greedy by Jaccard (then ids, for determinism); each old id is given to at most one cluster.
    """
    owner = {m: old for old, members in old_clusters.items() for m in members}
    scored = []
    for key, members in new_clusters.items():
        for old in {owner[m] for m in members if m in owner}:
            inter = len(members & old_clusters[old])
            jac = inter / len(members | old_clusters[old])
            if jac >= min_jaccard:
                scored.append((-jac, key, old))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _, key, old in sorted(scored):
        if key not in mapping and old not in used:
            mapping[key] = old
            used.add(old)
    return mapping
