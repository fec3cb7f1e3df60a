"""The equivalence decision: pair features, the committed calibration, and refitting it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claims.equivalence import (
    CALIBRATION_PATH,
    Calibration,
    EquivalenceScorer,
    load_calibration,
)
from claims.errors import SettingsError
from claims.evaluation import calibrate
from claims.pairfeatures import FEATURES, analyse, pair_features, pair_row, with_interactions

FIXTURE = Path(__file__).parent / "fixtures" / "pairs_mrpc.tsv"


@pytest.fixture(scope="module")
def scorer() -> EquivalenceScorer:
    return EquivalenceScorer()


def _feature(texts_a: list[str], texts_b: list[str], name: str) -> np.ndarray:
    return pair_features(texts_a, texts_b, np.full(len(texts_a), 0.9))[:, FEATURES.index(name)]


def test_analyse_finds_names_numbers_negation() -> None:
    info = analyse("Officials in Geneva said 4,000 people did not leave.")
    assert info.names == {"geneva"}  # "Officials" is sentence-initial
    assert 4000.0 in info.numbers
    assert info.negated


def test_pair_features_values() -> None:
    a = ["The council approved the budget."]
    b = ["The council approved the budget on Tuesday."]
    row = dict(zip(FEATURES, pair_features(a, b, np.array([0.8]))[0], strict=True))
    assert row["cosine"] == pytest.approx(0.8)
    assert row["content_jaccard"] == pytest.approx(3 / 4)  # council approved budget | +tuesday
    assert row["content_containment"] == pytest.approx(1.0)
    assert row["negation_mismatch"] == 0.0
    assert _feature(["Talks failed."], ["Talks had not failed."], "negation_mismatch") == [1.0]
    assert _feature(["4,000 quit."], ["9,000 quit."], "number_mismatch") == [1.0]
    assert _feature(["4,000 quit."], ["4,000 quit."], "number_mismatch") == [0.0]
    assert _feature(["Then Paris agreed."], ["Then Berlin agreed."], "name_mismatch") == [1.0]


def test_with_interactions_adds_pairwise_products() -> None:
    x = np.array([[2.0, 3.0, 5.0]])
    np.testing.assert_allclose(with_interactions(x), [[2, 3, 5, 6, 10, 15]])


def test_committed_calibration_is_valid() -> None:
    calibration = load_calibration()
    n = len(FEATURES) * (len(FEATURES) + 1) // 2
    assert calibration.weights.shape == calibration.mean.shape == (n,)
    assert np.all(np.isfinite(calibration.weights)) and np.all(calibration.scale > 0)
    assert 0 < calibration.threshold < 1 and 0 < calibration.cosine_threshold < 1
    assert "refit" in calibration.meta


def test_calibration_on_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))
    data["features"] = ["cosine"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SettingsError, match="other features"):
        load_calibration(path)
    with pytest.raises(SettingsError):
        load_calibration(tmp_path / "missing.json")


def test_scores_are_probabilities_and_vectorised(scorer: EquivalenceScorer) -> None:
    a = ["The council approved the budget.", "Rain is expected on Friday.", "x"]
    b = ["The council passed the budget.", "Shares fell 3% on Monday.", "x"]
    scores = scorer.score(a, b, np.array([0.9, 0.1, 1.0]))
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    assert scores[0] > scorer.threshold > scores[1]
    np.testing.assert_array_equal(
        scorer.equivalent(a, b, np.array([0.9, 0.1, 1.0])), scores >= scorer.threshold
    )
    assert scorer.score([], [], np.zeros(0)).shape == (0,)


@pytest.mark.parametrize(
    ("a", "same", "different"),
    [
        (  # a different number for the same thing (more than a factor 2 apart)
            "About 4,000 workers walked off the job on Monday.",
            "On Monday about 4,000 workers walked off the job.",
            "On Monday about 9,000 workers walked off the job.",
        ),
        (  # negation flips the statement
            "The minister said the talks had failed.",
            "The talks had failed, the minister said.",
            "The talks had not failed, the minister said.",
        ),
        (  # one name swapped for another
            "The United States suspended talks with Russia on Syria.",
            "The United States suspended its talks with Russia on Syria.",
            "The United States suspended its talks with Iran on Syria.",
        ),
    ],
)
def test_one_detail_lowers_the_score_at_equal_cosine(
    scorer: EquivalenceScorer, a: str, same: str, different: str
) -> None:
    scores = scorer.score([a, a], [same, different], np.array([0.93, 0.93]))
    assert scores[0] > scores[1]


def test_disputed_count_is_not_a_number_mismatch() -> None:
    # same noun, amounts within a factor 2: one claim with a disputed number (flagged, not split)
    a = ["Roughly 320,000 refugees are stranded in the camps."]
    b = ["A quarter-of-a-million refugees are stranded in the camps."]
    assert _feature(a, b, "number_mismatch") == [0.0]
    assert _feature(a, ["About 90,000 refugees are stranded in the camps."], "number_mismatch") == [
        1.0
    ]


def test_higher_cosine_scores_higher(scorer: EquivalenceScorer) -> None:
    a, b = "The bridge will stay closed until Friday.", "The bridge remains shut until Friday."
    scores = scorer.score([a] * 3, [b] * 3, np.array([0.5, 0.7, 0.9]))
    assert scores[0] < scores[1] < scores[2]


def test_pair_features_are_symmetric_and_computed_once_per_text_pair() -> None:
    a = "Roughly 275,000 civilians are trapped in eastern Aleppo, the UN said."
    b = "The UN says a quarter-of-a-million civilians are trapped in Aleppo."
    got = pair_features([a, b, a], [b, a, b], np.array([0.61, 0.62, 0.63]))
    one_by_one = [pair_row(analyse(x), analyse(y), c) for x, y, c in [(a, b, 0.61), (b, a, 0.62)]]
    np.testing.assert_array_equal(got[:2], np.array(one_by_one))
    assert got[:, FEATURES.index("cosine")].tolist() == [0.61, 0.62, 0.63]


def test_fit_logistic_recovers_a_known_model() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2))
    p = 1 / (1 + np.exp(-(2.0 * x[:, 0] - 1.0 * x[:, 1] + 0.5)))
    y = (rng.random(4000) < p).astype(float)
    weights, bias = calibrate.fit_logistic(x, y, np.ones(4000), l2=0.0)
    np.testing.assert_allclose(weights, [2.0, -1.0], atol=0.2)
    assert bias == pytest.approx(0.5, abs=0.15)


def test_best_f1_threshold() -> None:
    labels = np.array([1, 1, 0, 1, 0, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    # predicting the top 4 gives F1 = 2*3/(4+3) = 0.857, the best cut
    assert calibrate.best_f1_threshold(labels, scores) == pytest.approx(0.4)


def test_precision_threshold() -> None:
    labels = np.array([1, 1, 0, 1, 0, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    assert calibrate.precision_threshold(labels, scores, 0.75) == pytest.approx(0.6)
    assert calibrate.precision_threshold(labels, scores, 1.0) == pytest.approx(0.8)


def test_contrast_pairs_change_one_detail() -> None:
    assert calibrate._flip_negation("The talks have failed.") == "The talks have not failed."
    assert calibrate._flip_negation("The talks haven't failed.") == "The talks have failed."
    changed = calibrate._swap_number("About 4,000 workers left.", __import__("random").Random(1))
    assert changed in ("About 12,000 workers left.", "About 1,333 workers left.")
    pairs = calibrate.read_pairs(FIXTURE)
    made = calibrate.contrast_pairs(pairs)
    assert made and all(b not in {p.text2 for p in pairs} for _, b in made)


class _HashEncoder:
    """A stand-in encoder: bag-of-words vectors, so calibration runs without the model."""

    model_id = "hash-bow"

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, sum(map(ord, word)) % 64] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_calibrate_refits_from_files(tmp_path: Path) -> None:
    stsb = tmp_path / "stsb.tsv"
    stsb.write_text(
        "main-news\tx\t2020\t1\t4.5\tThe vote was delayed.\tThe vote was postponed.\n"
        "main-news\tx\t2020\t2\t0.5\tThe vote was delayed.\tA storm hit the coast.\n"
        "main-captions\tx\t2020\t3\t5.0\tA cat sits.\tA cat sits.\n",
        encoding="utf-8",
    )
    model = calibrate.calibrate(FIXTURE, [stsb], _HashEncoder(), folds=2)
    assert model.meta["n_mrpc"] == 8 and model.meta["n_stsb"] == 2  # news genre only
    assert 0 < model.threshold < 1
    again = Calibration.from_dict(json.loads(json.dumps(model.to_dict())))
    rows = pair_features(["a b"], ["a c"], np.array([0.5]))
    np.testing.assert_allclose(again.probability(rows), model.probability(rows), atol=1e-6)


def test_calibrate_adds_same_article_statement_pairs_as_negatives(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    body = (
        "The council approved the new budget on Monday night. "
        "The council approved the new budget after a long debate. "
        "Is this a question about the budget?"
    )
    lines = [
        json.dumps({"article": "a1", "text": body}),
        json.dumps({"article": "a1", "text": "annotator copy of a1"}),  # one record per article
        json.dumps({"article": "a2", "text": "Short. Too short."}),
    ]
    articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = calibrate.article_negatives(articles, _HashEncoder(), min_cosine=0.3)
    # the two budget statements pair up; the question and the scraps are not statements
    assert found == [
        (
            "The council approved the new budget on Monday night.",
            "The council approved the new budget after a long debate.",
        )
    ]
    model = calibrate.calibrate(FIXTURE, [], _HashEncoder(), folds=2, negatives=[articles])
    assert model.meta["n_negatives"] == len(calibrate.article_negatives(articles, _HashEncoder()))


def test_article_negatives_name_the_file_on_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"article": "a1"}\n', encoding="utf-8")
    with pytest.raises(calibrate.TerminalError, match="line 1"):
        calibrate.read_article_texts(bad)


def test_claim_decision_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from claims.equivalence import claim_decision
    from claims.settings import Settings

    monkeypatch.setenv("CLAIMTRACK_CLAIM_THRESHOLD", "")  # empty means unset
    calibrated = claim_decision(Settings())
    assert calibrated.threshold == pytest.approx(calibrated.scorer.threshold)
    monkeypatch.setenv("CLAIMTRACK_CLAIM_THRESHOLD", "0.9")
    assert claim_decision(Settings()).threshold == 0.9
