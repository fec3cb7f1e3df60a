"""`eval attribution` on a tiny invented file in the PolNeAR format."""

from __future__ import annotations

import json
from pathlib import Path

from claims.evaluation.attribution import evaluate_attribution, head_word, load_articles

TEXT = (
    "The council met on Monday. "
    '"We will vote tomorrow," Mayor Jane Holt said. '
    "Holt said the budget was balanced. "
    "The meeting ended early."
)


def span(text: str, fragment: str, length: int | None = None) -> dict[str, object]:
    start = text.index(fragment)
    end = start + (len(fragment) if length is None else length)
    return {"start": start, "end": end, "text": text[start:end]}


def write_file(tmp_path: Path) -> Path:
    attributions = [
        {
            "id": "E1",
            "source": [span(TEXT, "Mayor Jane Holt")],
            "cue": [span(TEXT, "said.")],
            "content": [span(TEXT, '"We will vote tomorrow,"')],
        },
        {
            "id": "E2",
            "source": [span(TEXT, "Holt said the", 4)],
            "cue": [span(TEXT, "said the", 4)],
            "content": [span(TEXT, "the budget was balanced")],
        },
    ]
    base = {"compartment": "dev", "article": "a1", "text": TEXT}
    path = tmp_path / "tiny.jsonl"
    lines = [
        {**base, "annotator": "zz", "attributions": []},  # a later annotator: ignored
        {**base, "annotator": "aa", "attributions": attributions},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_first_annotator_alphabetically(tmp_path: Path) -> None:
    records = load_articles(write_file(tmp_path))
    assert [r["annotator"] for r in records] == ["aa"]


def test_metrics_and_predictions(tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    metrics = evaluate_attribution(write_file(tmp_path), predictions=out)
    assert metrics["articles"] == 1 and metrics["sentences"] == 4
    attributed = metrics["attributed"]["all"]
    assert (attributed["tp"], attributed["fp"], attributed["fn"]) == (2, 0, 0)
    assert metrics["attributed"]["direct"]["tp"] == 1
    assert metrics["speaker"]["all"] == {"accuracy": 1.0, "n": 2}
    assert metrics["cue"]["all"]["f1"] == 1.0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 4
    assert set(rows[0]) == {"article", "start", "end", "kind", "speaker", "cue_start", "cue_end"}
    assert rows[1]["kind"] == "direct" and rows[1]["speaker"] == "Jane Holt"
    assert TEXT[rows[2]["cue_start"] : rows[2]["cue_end"]] == "said"
    assert rows[3]["kind"] == "unattributed"


def test_head_word() -> None:
    assert head_word("State Department spokesman John Kirby") == "kirby"
    assert head_word("Kirby, the State Department spokesman,") == "kirby"
    assert head_word("the Russian deputy foreign minister, Gennadi Gatilov") == "gatilov"
    assert head_word("Adham Sahloul of the Syrian American Medical Society") == "sahloul"
    assert head_word("a report by the Tass news agency") == "report"
    assert head_word("he") is None and head_word("who") is None
