"""`eval pairs`: MRPC reading and detokenizing, metrics, predictions file, the whole command."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from claims.errors import TerminalError
from claims.evaluation.pairs import (
    average_precision,
    binary_metrics,
    detokenize,
    evaluate_pairs,
    read_pairs,
)

FIXTURE = Path(__file__).parent / "fixtures" / "pairs_mrpc.tsv"


@pytest.mark.parametrize(
    ("tokenized", "text"),
    [
        ("The mayor 's office said .", "The mayor's office said."),
        ("He did n't go , she said .", "He didn't go, she said."),
        ("He didn 't go .", "He didn't go."),
        ("<QUOTE> Yes , <QUOTE> he said .", '"Yes," he said.'),
        ("`` No , '' he said .", '"No," he said.'),
        ("fell 3 % -LRB- Monday -RRB- to $ 4.56 ;", "fell 3% (Monday) to $4.56;"),
        ("called it <QUOTE> the witness <QUOTE> , of", 'called it "the witness", of'),
    ],
)
def test_detokenize(tokenized: str, text: str) -> None:
    assert detokenize(tokenized) == text


def test_read_pairs_fixture() -> None:
    pairs = read_pairs(FIXTURE)
    assert len(pairs) == 8 and sum(p.label for p in pairs) == 4
    assert pairs[0].id1 == "101" and pairs[0].id2 == "201"
    assert (
        pairs[1].text1
        == "The bridge will stay closed until repairs are finished, the mayor's office said."
    )


def test_read_pairs_accepts_byte_order_marks(tmp_path: Path) -> None:
    body = FIXTURE.read_text(encoding="utf-8")
    for bom in ("\ufeff", "\u00ef\u00bb\u00bf"):  # plain, and encoded twice
        path = tmp_path / "bom.tsv"
        path.write_text(bom + body, encoding="utf-8")
        assert len(read_pairs(path)) == 8


def test_read_pairs_rejects_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(TerminalError, match="expected header"):
        read_pairs(path)
    path.write_text(FIXTURE.read_text(encoding="utf-8") + "x\t1\t2\ta\tb\n", encoding="utf-8")
    with pytest.raises(TerminalError, match="line 10"):
        read_pairs(path)


def test_average_precision_matches_hand_computation() -> None:
    labels = np.array([1, 0, 1, 0, 1])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.1])
    # hits at ranks 1, 3, 5: (1/1 + 2/3 + 3/5) / 3
    assert average_precision(labels, scores) == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)
    # ties share one threshold: all tied -> precision is the base rate
    assert average_precision(labels, np.ones(5)) == pytest.approx(3 / 5)


def test_binary_metrics() -> None:
    labels = np.array([1, 1, 0, 0])
    got = binary_metrics(labels, np.array([0.9, 0.4, 0.6, 0.1]), threshold=0.5)
    assert (got["precision"], got["recall"], got["f1"], got["accuracy"]) == (0.5, 0.5, 0.5, 0.5)


@pytest.mark.slow
def test_evaluate_pairs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "pred.tsv"
    metrics = evaluate_pairs(FIXTURE, predictions=out)
    assert metrics["n"] == 8 and 0 < metrics["threshold"] < 1
    # the invented pairs are easy: real paraphrases must outrank the unrelated pairs
    assert metrics["average_precision"] >= 0.8
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    assert rows[0] == ["id1", "id2", "score", "same"]
    assert [r[:2] for r in rows[1:]] == [[p.id1, p.id2] for p in read_pairs(FIXTURE)]
    for _, _, score, same in rows[1:]:
        assert same == str(int(float(score) >= metrics["threshold"]))


@pytest.mark.slow
def test_evaluate_pairs_follows_the_claim_threshold_setting() -> None:
    from claims.settings import Settings

    loose = evaluate_pairs(FIXTURE, settings=Settings(claim_threshold=0.0))
    assert loose["recall"] == 1.0
    strict = evaluate_pairs(FIXTURE, settings=Settings(claim_threshold=1.01))
    assert strict["recall"] == 0.0 and strict["threshold"] == 1.01
