"""Claim stages on a real store: embedding once, clustering stably, idempotently, order-free.

The first tests use a small fake encoder (hashed bag of words) on hand-made articles; the `slow`
ones run the real model on the seeds, end to end (ingest -> attribute -> embed -> cluster).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from claims import claimstore, store
from claims.cluster import CosineScorer
from claims.ids import article_id, sentence_id
from claims.settings import Settings

from .conftest import SEEDS, attribute_if_available


class FakeEncoder:
    """Hashed bag-of-words vectors: texts sharing most words are close. Counts its calls."""

    model_id = "fake-bow"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(",", " ").replace(".", " ").split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


ARTICLES = {
    "Wire": [
        "The ministry said the bridge over the river will reopen next week.",
        "Engineers found cracks in two of the main supports last spring.",
    ],
    "Daily": [
        "The ministry said the bridge over the river will reopen next week.",
        "Local shops have lost customers since the closure began in March.",
    ],
    "Post": [
        "Officials said the river bridge will reopen next week, the ministry said.",
        "The mayor wants a second crossing built north of the town centre.",
    ],
}


def add_article(con: store.Connection, outlet: str, sentences: list[str], run_id: str) -> None:
    body = " ".join(sentences)
    aid = article_id(outlet, body)
    con.execute(
        "INSERT INTO store.articles (article_id, outlet, outlet_rule, source_path, content_hash,"
        " raw_text, clean_text, ingested_at, run_id) VALUES (?, ?, 'test', ?, ?, ?, ?, ?, ?)",
        [aid, outlet, f"{outlet}.txt", aid, body, body, store.utcnow(), run_id],
    )
    pos = 0
    for i, text in enumerate(sentences):
        start = body.index(text, pos)
        pos = start + len(text)
        sid = sentence_id(aid, start, pos, text)
        con.execute(
            "INSERT INTO store.sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
            [sid, aid, i, text, start, pos, run_id],
        )


def run_claims(con: store.Connection, settings: Settings, encoder: object) -> object:
    run_id = store.start_run(con, "test")
    claimstore.embed_pending(con, settings, run_id, encoder=encoder)
    return claimstore.cluster_pending(
        con, settings, run_id, scorer=CosineScorer(0.8), model=FakeEncoder.model_id
    )


def snapshot(con: store.Connection) -> dict[str, set[str]]:
    """Return claim id -> member mention ids."""
    out: dict[str, set[str]] = {}
    for claim_id, mention_id in con.execute(
        "SELECT claim_id, mention_id FROM store.claim_members"
    ).fetchall():
        out.setdefault(claim_id, set()).add(mention_id)
    return out


@pytest.fixture()
def small_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings(db=tmp_path / "small.duckdb")
    con = store.connect(settings.db)
    run_id = store.start_run(con, "test ingest")
    for outlet in ("Wire", "Daily"):
        add_article(con, outlet, ARTICLES[outlet], run_id)
    yield con, settings
    con.close()


def test_identical_texts_are_embedded_once_and_never_twice(small_store) -> None:  # type: ignore[no-untyped-def]
    con, settings = small_store
    encoder = FakeEncoder()
    run_id = store.start_run(con, "test")
    n = claimstore.embed_pending(con, settings, run_id, encoder=encoder)
    # 4 sentences, one of them carried verbatim by both outlets -> 3 texts, one encode call
    assert n == 3 and encoder.calls == [3]
    assert claimstore.embed_pending(con, settings, run_id, encoder=encoder) == 0
    assert encoder.calls == [3]


def test_cluster_views_and_idempotence(small_store) -> None:  # type: ignore[no-untyped-def]
    con, settings = small_store
    summary = run_claims(con, settings, FakeEncoder())
    assert summary.mentions_clustered == 4 and summary.new_claims == 3 and summary.joined == 1
    rows = con.execute(
        "SELECT n_outlets, n_mentions, canonical_text FROM claims ORDER BY n_mentions DESC"
    ).fetchall()
    assert rows[0] == (2, 2, ARTICLES["Wire"][0])
    kinds = con.execute(
        "SELECT DISTINCT copy_kind, similarity > 0.999 FROM claim_mentions WHERE claim_id IN "
        "(SELECT claim_id FROM claims WHERE n_mentions = 2)"
    ).fetchall()
    assert kinds == [("verbatim", True)]
    before = snapshot(con)
    again = run_claims(con, settings, FakeEncoder())
    assert again.mentions_clustered == 0 and again.new_claims == 0
    assert snapshot(con) == before


def test_adding_an_article_keeps_every_claim_id_and_membership(small_store) -> None:  # type: ignore[no-untyped-def]
    con, settings = small_store
    run_claims(con, settings, FakeEncoder())
    before = snapshot(con)
    add_article(con, "Post", ARTICLES["Post"], store.start_run(con, "more"))
    summary = run_claims(con, settings, FakeEncoder())
    after = snapshot(con)
    for claim_id, members in before.items():
        assert members <= after[claim_id]
    assert summary.joined + summary.new_claims == summary.mentions_clustered == 2


def test_recluster_keeps_ids_when_membership_survives(small_store) -> None:  # type: ignore[no-untyped-def]
    con, settings = small_store
    run_claims(con, settings, FakeEncoder())
    before = snapshot(con)
    summary = claimstore.recluster(
        con,
        settings,
        store.start_run(con, "recluster"),
        scorer=CosineScorer(0.8),
        encoder=FakeEncoder(),
    )
    assert snapshot(con) == before
    assert summary.claims_kept == len(before) and summary.claims_retired == 0


def test_recluster_with_stricter_threshold_splits_and_retires(small_store) -> None:  # type: ignore[no-untyped-def]
    con, settings = small_store
    add_article(con, "Post", ARTICLES["Post"], store.start_run(con, "more"))
    run_claims(con, settings, FakeEncoder())
    multi = {c: m for c, m in snapshot(con).items() if len(m) > 1}
    assert any(len(m) == 3 for m in multi.values())
    strict = Settings(db=settings.db)
    summary = claimstore.recluster(
        con,
        strict,
        store.start_run(con, "recluster"),
        scorer=CosineScorer(0.999),
        encoder=FakeEncoder(),
    )
    after = snapshot(con)
    # The verbatim pair survives as 2/3 of the old claim (Jaccard 0.67): it keeps the old id.
    (old_id,) = [c for c, m in multi.items() if len(m) == 3]
    assert old_id in after and len(after[old_id]) == 2
    assert summary.claims_kept >= 1


# --- the seeds, end to end, with the real model ----------------------------------------------


def build(path: Path, batches: list[list[Path]], encoder: object) -> store.Connection:
    """Return a connection to a new store after running each batch of files as one run."""
    from claims.ingest import ingest_paths

    settings = Settings(db=path)
    con = store.connect(path)
    for files in batches:
        run_id = store.start_run(con, "test")
        for f in files:  # one file at a time, in the order given
            ingest_paths(con, [f], run_id, settings)
        attribute_if_available(con, run_id)
        claimstore.embed_pending(con, settings, run_id, encoder=encoder)
        claimstore.cluster_pending(con, settings, run_id)
    return con


def claims_with(con: store.Connection, text: str) -> list[tuple[str, int, list[str]]]:
    return con.execute(
        "SELECT DISTINCT c.claim_id, c.n_outlets, c.flags FROM claims c "
        "JOIN claim_mentions m USING (claim_id) WHERE m.text ILIKE ? ORDER BY 2 DESC",
        [f"%{text}%"],
    ).fetchall()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "outlets"),
    [
        ("not a decision that was taken lightly", 4),
        ("patience with Russia has run out", 2),
        ("We regret this decision by Washington", 2),
        ("civilians are trapped", 2),
    ],
)
def test_seed_claims_carried_by_several_outlets(claims_db: Path, text: str, outlets: int) -> None:
    con = store.connect(claims_db, read_only=True)
    best = claims_with(con, text)[0]
    assert best[1] >= outlets, best


@pytest.mark.slow
def test_seed_truce_claim_is_multi_outlet(claims_db: Path) -> None:
    con = store.connect(claims_db, read_only=True)
    rows = con.execute(
        "SELECT c.claim_id, c.n_outlets FROM claims c JOIN claim_mentions m USING (claim_id) "
        "WHERE m.text ILIKE '%truce%' AND (m.text ILIKE '%collapse%' OR m.text ILIKE '%12%') "
        "ORDER BY 2 DESC"
    ).fetchall()
    assert rows and rows[0][1] >= 2


@pytest.mark.slow
def test_seed_trapped_civilians_flag_numbers_differ(claims_db: Path) -> None:
    con = store.connect(claims_db, read_only=True)
    (claim_id, _, flags) = claims_with(con, "civilians are trapped")[0]
    assert "numbers_differ" in flags
    (ids, detail) = con.execute(
        "SELECT mention_ids, detail FROM store.claim_flags WHERE claim_id = ? "
        "AND flag = 'numbers_differ'",
        [claim_id],
    ).fetchone()
    texts = [
        r[0]
        for r in con.execute(
            "SELECT text FROM store.mentions WHERE list_contains(?, mention_id)", [ids]
        ).fetchall()
    ]
    assert any("275,000" in t for t in texts) and any("quarter" in t for t in texts)
    assert "275,000" in detail


@pytest.mark.slow
def test_distinct_statements_of_one_speaker_stay_apart(claims_db: Path) -> None:
    con = store.connect(claims_db, read_only=True)
    lightly = {c for c, _, _ in claims_with(con, "not a decision that was taken lightly")}
    commitments = {c for c, _, _ in claims_with(con, "failed to live up to its own commitments")}
    assert lightly and commitments and not lightly & commitments


@pytest.mark.slow
def test_seed_order_and_batches_keep_claims_stable(encoder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    forward = build(tmp_path / "fwd.duckdb", [SEEDS], encoder)
    backward = build(tmp_path / "bwd.duckdb", [SEEDS[::-1]], encoder)
    assert snapshot(forward) == snapshot(backward)
    first_four = build(tmp_path / "inc.duckdb", [SEEDS[:4]], encoder)
    before = snapshot(first_four)
    first_four.close()
    shutil.copy(tmp_path / "inc.duckdb", tmp_path / "inc2.duckdb")
    con = build(tmp_path / "inc2.duckdb", [SEEDS[4:]], encoder)
    after = snapshot(con)
    for claim_id, members in before.items():
        assert members <= after[claim_id]
    # Running again adds nothing.
    settings = Settings(db=tmp_path / "inc2.duckdb")
    run_id = store.start_run(con, "again")
    assert claimstore.embed_pending(con, settings, run_id, encoder=encoder) == 0
    assert claimstore.cluster_pending(con, settings, run_id).mentions_clustered == 0
    assert snapshot(con) == after


def test_vector_mirror_is_incremental_and_rebuilt_when_stale(small_store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from claims import vectorcache

    con, settings = small_store
    run_claims(con, settings, FakeEncoder())
    stem = vectorcache.cache_stem(con, FakeEncoder.model_id)
    assert stem is not None and stem.with_name(stem.name + ".f32").exists()
    first = vectorcache.load_vectors(con, FakeEncoder.model_id)
    assert len(first.hashes) == 3 and first.matrix.shape == (3, 64)
    add_article(con, "Post", ARTICLES["Post"], store.start_run(con, "more"))
    run_claims(con, settings, FakeEncoder())
    second = vectorcache.load_vectors(con, FakeEncoder.model_id)
    assert second.hashes[:3].tolist() == first.hashes.tolist() and len(second.hashes) == 5
    table = dict(
        con.execute(
            "SELECT text_hash, vector FROM store.embeddings WHERE model = ?", [FakeEncoder.model_id]
        ).fetchall()
    )
    for h, row in zip(second.hashes, second.matrix, strict=True):
        np.testing.assert_allclose(row, np.asarray(table[h], dtype=np.float32))
    # A mirror that does not match the table (another database's, or cut short) is rebuilt.
    hashes_file = stem.with_name(stem.name + ".hashes")
    hashes_file.write_text("h_other\n" * 5)
    third = vectorcache.load_vectors(con, FakeEncoder.model_id)
    assert sorted(third.hashes.tolist()) == sorted(table)
    stem.with_name(stem.name + ".f32").write_bytes(b"")
    fourth = vectorcache.load_vectors(con, FakeEncoder.model_id)
    assert sorted(fourth.hashes.tolist()) == sorted(table) and fourth.matrix.shape == (5, 64)


def test_flags_are_stored_with_the_disagreeing_mentions(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "flags.duckdb")
    con = store.connect(settings.db)
    run_id = store.start_run(con, "test ingest")
    said = "The minister said 40 families had lost their homes in the flood on Friday."
    for outlet, text in [
        ("Wire", said),
        ("Daily", "The minister said 400 families had lost their homes in the flood on Friday."),
        ("Post", said),
    ]:
        add_article(con, outlet, [text], run_id)
    rows = con.execute(
        "SELECT s.sentence_id, a.outlet FROM store.sentences s JOIN store.articles a USING "
        "(article_id)"
    ).fetchall()
    who = {"Wire": ("direct", "Jane Smith"), "Daily": ("unattributed", None)}
    who["Post"] = ("indirect", "John Doe")
    for sid, outlet in rows:
        kind, speaker = who[outlet]
        con.execute(
            "INSERT INTO store.attributions (sentence_id, kind, speaker, speaker_type, rule) "
            "VALUES (?, ?, ?, ?, 'test')",
            [sid, kind, speaker, "person" if speaker else None],
        )
    run_claims(con, settings, FakeEncoder())
    (flags,) = con.execute("SELECT flags FROM claims WHERE n_outlets = 3").fetchone()
    assert flags == ["attribution_dropped", "numbers_differ", "speakers_differ"]
    detail = dict(con.execute("SELECT flag, detail FROM store.claim_flags").fetchall())
    assert (
        "40 families (" in detail["numbers_differ"] and "400 families" in detail["numbers_differ"]
    )
    assert "Jane Smith (Wire) vs John Doe (Post)" in detail["speakers_differ"]
    assert detail["attribution_dropped"].endswith("stated as fact by Daily")
    ids = dict(con.execute("SELECT flag, mention_ids FROM store.claim_flags").fetchall())
    assert len(ids["numbers_differ"]) == 3 and len(ids["speakers_differ"]) == 2


def test_scoring_text_masks_amounts_not_dates() -> None:
    from claims.equivalence import scoring_text

    masked = scoring_text("Roughly 275,000 civilians fled on September 12.")
    assert masked == "Roughly some civilians fled on September 12."


def test_rows_of_finds_recent_few_old_and_many_old_texts() -> None:
    from claims.vectorcache import FEW_OLD_TEXTS, Vectors

    hashes = np.array([f"h{i}" for i in range(200)], dtype=object)
    vectors = Vectors(hashes, np.zeros((200, 2), dtype=np.float32), recent=10)
    assert vectors.rows_of(["h195", "h190"]).tolist() == [195, 190]
    assert vectors.rows_of(["h3", "h199", "h3"]).tolist() == [3, 199, 3]
    assert vectors._index is not None and len(vectors._index) == 11  # no full index yet
    many = [f"h{i}" for i in range(20, 20 + FEW_OLD_TEXTS + 1)]
    assert vectors.rows_of(many).tolist() == list(range(20, 20 + FEW_OLD_TEXTS + 1))
    assert len(vectors._index) == 200
