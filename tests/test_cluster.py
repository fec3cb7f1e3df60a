"""Clustering on hand-made vectors: candidate search, assignment rules, canonical, id matching."""

from __future__ import annotations

import numpy as np
import pytest

from claims.cluster import (
    CosineScorer,
    Edge,
    Item,
    Pairs,
    assign,
    central_index,
    claim_id_for,
    excerpt_scores,
    is_excerpt,
    match_old_ids,
    neighbour_pairs,
)


def unit(rows: list[list[float]]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def item(
    mid: str, article: str, sentence: str | None = None, text: str = "", kind: str = "sentence"
) -> Item:
    return Item(mid, article, sentence or f"s_{mid}", f"h_{mid}", text or mid, kind)


def test_neighbour_pairs_matches_brute_force_across_chunks() -> None:
    rng = np.random.default_rng(1)
    matrix = unit(rng.standard_normal((500, 16)).tolist())
    queries = unit((matrix[:40] + 0.3 * rng.standard_normal((40, 16))).tolist())
    pairs = neighbour_pairs(queries, matrix, k=3, floor=0.2, chunk=64, block=16)
    sims = queries @ matrix.T
    for q in range(40):
        expected = [t for t in np.argsort(-sims[q])[:3] if sims[q, t] >= 0.2]
        assert pairs.target[pairs.query == q].tolist() == expected


def test_earlier_only_never_pairs_a_query_with_itself_or_a_later_one() -> None:
    rng = np.random.default_rng(2)
    vecs = unit(rng.standard_normal((50, 8)).tolist())
    pairs = neighbour_pairs(vecs, vecs, k=5, floor=-1.0, earlier_only=True, chunk=7, block=5)
    assert (pairs.target < pairs.query).all()
    assert len(pairs.query) == sum(min(q, 5) for q in range(50))


def batch_edges(pairs: Pairs, threshold: float) -> list[Edge]:
    return [
        Edge(float(c), int(q), b=int(t))
        for q, t, c in zip(pairs.query, pairs.target, pairs.cosine, strict=True)
        if c >= threshold
    ]


def run_assign(items: list[Item], vecs: np.ndarray, threshold: float = 0.9):  # type: ignore[no-untyped-def]
    batch = neighbour_pairs(vecs, vecs, k=5, floor=0.0, earlier_only=True)
    return assign(items, batch_edges(batch, threshold), {})


def test_equivalent_mentions_of_different_articles_form_one_claim() -> None:
    vecs = unit([[1, 0, 0], [1, 0.01, 0], [0, 1, 0]])
    items = [item("m1", "a1"), item("m2", "a2"), item("m3", "a3")]
    out = run_assign(items, vecs)
    assert out.claim_ids == [claim_id_for("m1"), claim_id_for("m1"), claim_id_for("m3")]
    assert out.founded == [True, False, True]


def test_two_statements_of_one_article_stay_apart_but_sentence_and_its_quote_join() -> None:
    vecs = unit([[1, 0, 0], [1, 0.01, 0], [1, 0.02, 0]])
    # m1 and m2: different sentences of article a1 -> apart; m3 is m1's own quote -> joins m1.
    items = [item("m1", "a1", "s1"), item("m2", "a1", "s2"), item("m3", "a1", "s1", kind="quote")]
    out = run_assign(items, vecs)
    assert out.claim_ids[0] == out.claim_ids[2] != out.claim_ids[1]


def test_repeated_identical_text_in_one_article_joins() -> None:
    vecs = unit([[1, 0, 0], [1, 0, 0]])
    a = Item("m1", "a1", "s1", "same", "caption")
    b = Item("m2", "a1", "s2", "same", "caption")
    out = run_assign([a, b], vecs)
    assert out.claim_ids[0] == out.claim_ids[1]


def test_new_mention_joins_best_existing_claim_and_never_merges_two() -> None:
    members = {"c_old1": [item("e1", "x1")], "c_old2": [item("e2", "x2")]}
    # The new mention is equivalent to both old claims, closer to c_old2: it joins c_old2 only.
    edges = [Edge(0.7, 0, claim_id="c_old1"), Edge(0.72, 0, claim_id="c_old2")]
    out = assign([item("n1", "a9")], edges, members)
    assert out.claim_ids == ["c_old2"] and out.founded == [False]
    # A second new mention bridging both old claims joins one; the old claims never merge.
    edges += [Edge(0.9, 1, b=0), Edge(0.8, 1, claim_id="c_old1")]
    out = assign([item("n1", "a9"), item("n2", "a8")], edges, members)
    assert out.claim_ids[0] == out.claim_ids[1] == "c_old1"  # strongest chain: n2-n1, n2-c_old1
    assert not any(out.founded)


def test_existing_claim_with_same_article_statement_is_refused() -> None:
    members = {"c_old": [item("e1", "a1", "s1")]}
    out = assign([item("n1", "a1", "s2")], [Edge(0.95, 0, claim_id="c_old")], members)
    assert out.founded == [True]
    out = assign([item("n1", "a1", "s1", kind="quote")], [Edge(0.95, 0, claim_id="c_old")], members)
    assert out.claim_ids == ["c_old"]


def test_result_does_not_depend_on_pair_order() -> None:
    rng = np.random.default_rng(3)
    base = unit(rng.standard_normal((6, 12)).tolist())
    vecs = unit(np.repeat(base, 4, axis=0) + 0.05 * rng.standard_normal((24, 12)))
    items = [item(f"m{i:02d}", f"a{i}") for i in range(24)]
    edges = batch_edges(neighbour_pairs(vecs, vecs, k=6, floor=0.0, earlier_only=True), 0.9)
    shuffled = [edges[i] for i in rng.permutation(len(edges))]
    a = assign(items, edges, {})
    b = assign(items, shuffled, {})
    assert a.claim_ids == b.claim_ids
    assert len(set(a.claim_ids)) == 6


def test_cosine_scorer_is_the_fallback() -> None:
    scorer = CosineScorer(threshold=0.5)
    assert scorer.score(["a"], ["b"], np.array([0.7])).tolist() == [0.7]


def test_quote_excerpt_counts_as_equivalent() -> None:
    short = item("q1", "a1", text="We regret this decision by Washington", kind="quote")
    long = item(
        "q2", "a2", text="We regret this decision by Washington to curtail the work", kind="quote"
    )
    sentence = item("s3", "a3", text="We regret this decision by Washington to curtail the work")
    assert is_excerpt(short, long, 5) and is_excerpt(long, short, 5)
    assert not is_excerpt(short, sentence, 5)
    assert not is_excerpt(short, long, 7)
    scores = excerpt_scores([short, short], [long, sentence], np.array([0.2, 0.2]), 0.8, 5)
    assert scores.tolist() == [0.8, 0.2]


def test_central_index_prefers_quotes_within_margin() -> None:
    vecs = unit([[1, 0.1, 0], [1, 0, 0], [1, 0.1, 0.1]])
    assert central_index(vecs) == 0
    preferred = np.array([False, False, True])
    assert central_index(vecs, preferred, margin=0.05) == 2
    assert central_index(vecs, preferred, margin=0.0) == 0


def test_match_old_ids_by_jaccard() -> None:
    old = {"c_a": {"m1", "m2", "m3"}, "c_b": {"m4", "m5"}}
    new = {"n1": {"m1", "m2"}, "n2": {"m3", "m6", "m7", "m8"}, "n3": {"m4", "m5", "m9"}}
    assert match_old_ids(new, old) == {"n1": "c_a", "n3": "c_b"}


def test_claim_decision_is_one_threshold_on_the_decision_score() -> None:
    from claims.cluster import CosineScorer
    from claims.equivalence import ClaimDecision

    decision = ClaimDecision(CosineScorer(), threshold=0.6, cosine_floor=0.5)
    a = ["The dam burst on Monday.", "Rain fell.", "Rain fell.", "Prices rose by a third."]
    b = ["The dam broke on Monday.", "It rained.", "rain  fell.", "Sales fell sharply."]
    scores = decision.scores(a, b, np.array([0.65, 0.45, 0.9, 0.55]))
    # under the candidate floor: 0 whatever the scorer says; identical after normalising: 1
    assert scores.tolist() == pytest.approx([0.65, 0.0, 1.0, 0.55])
    assert decision.same(scores).tolist() == [True, False, True, False]


def test_bf16_search_finds_the_same_pairs_with_exact_cosines() -> None:
    from claims.cluster import coarse_pairs
    from claims.vectorcache import bf16_bits

    rng = np.random.default_rng(4)
    matrix = unit(rng.standard_normal((3000, 32)).tolist())
    queries = unit((matrix[:50] + 0.4 * rng.standard_normal((50, 32))).tolist())
    exact = neighbour_pairs(queries, matrix, k=5, floor=0.5)
    fast = coarse_pairs(queries, matrix, bf16_bits(matrix), k=5, floor=0.5, chunk=700)
    assert fast.query.tolist() == exact.query.tolist()
    assert fast.target.tolist() == exact.target.tolist()
    np.testing.assert_allclose(fast.cosine, exact.cosine, atol=1e-5)
