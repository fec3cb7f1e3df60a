"""The sentence-splitting evaluation over a small invented file in the sbd_cases format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.errors import TerminalError
from claims.evaluation.sentences import evaluate_sentences, predict, read_cases

FIXTURE = Path(__file__).parent / "fixtures" / "sbd_cases_small.jsonl"


def test_counts_exact_matches_and_lists_failures() -> None:
    result = evaluate_sentences(FIXTURE)
    assert result["cases"] == 6
    # The last case's gold deliberately keeps two sentences together: it must be the one miss.
    assert result["exact"] == 5
    assert result["exact_match_rate"] == pytest.approx(5 / 6, abs=1e-4)
    assert [f["idx"] for f in result["failures"]] == [5]
    failure = result["failures"][0]
    assert failure["predicted"] == ["Rain fell all day.", "The river rose."]
    assert failure["gold"] == ["Rain fell all day. The river rose."]


def test_breaks_down_by_list() -> None:
    by_list = evaluate_sentences(FIXTURE)["by_list"]
    assert by_list["NEWS"] == {"exact": 4, "cases": 4}
    assert by_list["WRONG_GOLD"] == {"exact": 0, "cases": 1}


def test_pysbd_clean_cases_are_cleaned_before_splitting() -> None:
    text = "The ferry left the dock \nat noon. It arrived late."
    assert predict(text, pysbd_clean=True) == [
        "The ferry left the dock at noon.",
        "It arrived late.",
    ]
    assert predict(text, pysbd_clean=False) != predict(text, pysbd_clean=True)


def test_compares_stripped_sentences(tmp_path: Path) -> None:
    case = {"text": "One. Two.", "sentences": ["One. ", " Two.", "  "]}
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(case) + "\n\n", encoding="utf-8")
    assert evaluate_sentences(path)["exact"] == 1


@pytest.mark.parametrize(
    "line", ["{not json", json.dumps({"text": "No gold."}), json.dumps([1, 2])]
)
def test_malformed_line_names_file_and_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "A.", "sentences": ["A."]}) + "\n" + line + "\n")
    with pytest.raises(TerminalError) as info:
        read_cases(path)
    assert "line 2" in str(info.value) and "bad.jsonl" in str(info.value)


def test_empty_file_gives_zero_rate(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    assert evaluate_sentences(path) | {"by_list": {}} == {
        "cases": 0,
        "exact": 0,
        "exact_match_rate": 0.0,
        "by_list": {},
        "failures": [],
    }
