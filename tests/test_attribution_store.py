"""The attribute step against a real store: one row per sentence, idempotent, queryable."""

from __future__ import annotations

from pathlib import Path

from claims import store
from claims.attribution.store import attribute_pending


def test_every_seed_sentence_has_one_attribution(seeds_db: Path) -> None:
    con = store.connect(seeds_db, read_only=True)
    sentences = con.execute("SELECT count(*) FROM store.sentences").fetchone()
    rows = con.execute(
        "SELECT count(*), count(DISTINCT sentence_id) FROM store.attributions"
    ).fetchone()
    missing = con.execute(
        "SELECT count(*) FROM store.sentences s LEFT JOIN store.attributions a USING (sentence_id) "
        "WHERE a.sentence_id IS NULL"
    ).fetchone()
    con.close()
    assert sentences and rows and missing
    assert sentences[0] > 0 and rows[0] == rows[1] == sentences[0] and missing[0] == 0


def test_attribute_pending_is_idempotent(seeds_db_copy: Path) -> None:
    con = store.connect(seeds_db_copy)
    run_id = store.start_run(con, "test again")
    assert attribute_pending(con, run_id) == 0
    con.execute("DELETE FROM store.attributions WHERE kind = 'direct'")
    deleted = con.execute("SELECT count(*) FROM store.sentences").fetchone()
    restored = attribute_pending(con, run_id)
    total = con.execute("SELECT count(*) FROM store.attributions").fetchone()
    con.close()
    assert restored > 0 and deleted and total and total[0] == deleted[0]


def test_seed_attributions_are_queryable(seeds_db: Path) -> None:
    con = store.connect(seeds_db, read_only=True)
    rows = con.execute(
        "SELECT a.kind, a.speaker, a.speaker_type, a.cue, a.via, a.rule FROM store.attributions a "
        "JOIN store.sentences s USING (sentence_id) "
        "WHERE s.text LIKE '%We regret this decision by Washington,”%'"
    ).fetchall()
    kinds = con.execute("SELECT DISTINCT kind FROM store.attributions").fetchall()
    con.close()
    assert rows == [
        ("direct", "Maria Zakharova", "person", "said", "Russian agencies", "subject_cue")
    ]
    assert {k[0] for k in kinds} <= {
        "direct",
        "partial",
        "indirect",
        "according_to",
        "unattributed",
    }
