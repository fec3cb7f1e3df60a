"""`eval merges` on a tiny invented topics file: false merges across events are counted.

Two topics, each with two invented events of the same kind. One sentence is carried word for word
by an article of each event in topic 1 (a forced cross-event merge); topics also share a sentence
between two articles of the same event (a cross-document claim that is no false merge).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claims.cluster import CosineScorer
from claims.errors import TerminalError
from claims.evaluation.merges import Doc, evaluate_merges, example_lines, read_docs
from claims.settings import Settings

FORCED = "Firefighters arrived within minutes of the first call , officials said ."
SAME_EVENT_1 = "The owner of the bakery on Mill Street had opened it in 1998 ."
SAME_EVENT_2 = "Rescue teams pulled three miners from the flooded shaft on Tuesday ."


def doc(name: str, sentences: list[str], url: str | None = None) -> dict[str, Any]:
    """Return one topics-file row; `name` is '<topic>_<n><event>', e.g. '1_2a'."""
    topic = name.split("_")[0]
    return {
        "topic": int(topic),
        "subtopic": f"{topic}_{name[-1]}",
        "doc": name,
        "url": url,
        "sentences": [{"sid": i, "text": t, "selected": i == 0} for i, t in enumerate(sentences)],
    }


DOCS = [
    # topic 1, event a: a bakery fire on Mill Street
    doc(
        "1_1a",
        ["A fire gutted a bakery on Mill Street early on Sunday morning .", SAME_EVENT_1, FORCED],
    ),
    doc(
        "1_2a",
        [SAME_EVENT_1, "Neighbours did n't hear any alarm before smoke filled the lane ."],
        url="https://www.example.com/mill",
    ),
    # topic 1, event b: a warehouse fire in another town
    doc(
        "1_1b",
        [
            "Flames destroyed a timber warehouse near the harbour last night .",
            FORCED,
            "The warehouse stored roofing planks for local builders and farmers .",
        ],
        url="http://news.example.org/x",
    ),
    # topic 2, event a: a mine flood
    doc("2_1a", [SAME_EVENT_2, "Water from an underground spring broke through a tunnel wall ."]),
    doc("2_2a", [SAME_EVENT_2, "The company halted digging at every pit it runs in the valley ."]),
    # topic 2, event b: a quarry collapse
    doc(
        "2_1b",
        [
            "A quarry face collapsed onto two parked trucks before dawn on Friday .",
            "Inspectors had warned about loose rock at that site in April .",
        ],
    ),
]


class BagOfWords:
    """Hashed bag-of-words vectors: only texts sharing most of their words come close."""

    model_id = "test-bag-of-words"

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), 128), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(",", " ").replace(".", " ").split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 128] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def topics_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "topics.jsonl", DOCS)


def evaluate(path: Path, **kwargs: Any) -> dict[str, Any]:
    return evaluate_merges(
        path, Settings(), encoder=BagOfWords(), scorer=CosineScorer(0.8), **kwargs
    )


def test_forced_cross_event_merge_is_counted(topics_file: Path) -> None:
    metrics = evaluate(topics_file, examples=5)
    assert metrics["topics"] == 2 and metrics["documents"] == 6
    assert metrics["documents_rejected"] == 0
    assert metrics["cross_document_claims"] == 3
    assert metrics["cross_event_claims"] == 1
    assert metrics["false_merge_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["mentions_in_false_merges"] == 2 and metrics["false_merges_verbatim"] == 1
    assert metrics["by_topic"] == {"1": "1/2", "2": "0/1"}
    assert metrics["model"] == "test-bag-of-words" and metrics["scorer"] == "CosineScorer at 0.8000"
    # 14 sentences of at least five words; the three shared texts each make one claim.
    assert metrics["mentions"] == 14 and metrics["claims"] == 11
    [example] = metrics["examples"]
    forced = "Firefighters arrived within minutes of the first call, officials said."
    assert example["topic"] == "1" and example["canonical_text"] == forced
    assert example["events"] == {"1_a": f"[1_1a] {forced}", "1_b": f"[1_1b] {forced}"}
    assert any(forced in line for line in example_lines(metrics))


def test_paraphrase_across_events_is_not_verbatim(tmp_path: Path) -> None:
    friday = SAME_EVENT_2.replace("Tuesday", "Friday")
    path = write_jsonl(tmp_path / "one.jsonl", [doc("4_1a", [SAME_EVENT_2]), doc("4_1b", [friday])])
    metrics = evaluate(path)
    assert metrics["cross_event_claims"] == 1 and metrics["false_merges_verbatim"] == 0


def test_limit_topics_and_no_examples_unless_asked(topics_file: Path) -> None:
    metrics = evaluate(topics_file, limit_topics=1)
    assert metrics["topics"] == 1 and metrics["documents"] == 3
    assert metrics["cross_event_claims"] == 1 and metrics["examples"] == []


def test_docs_are_detokenized_with_all_sentences_and_outlets(topics_file: Path) -> None:
    docs = read_docs(topics_file)
    assert [d.doc for d in docs] == [r["doc"] for r in DOCS]
    second = docs[1]
    assert second.body.endswith("Neighbours didn't hear any alarm before smoke filled the lane.")
    assert second.body.count("\n\n") == 1  # both sentences, one a paragraph
    assert second.outlet == "example.com"
    assert docs[2].outlet == "news.example.org"
    assert docs[0].outlet == "1_1a"  # no url: each doc is its own outlet


def test_split_numbers_are_rejoined(tmp_path: Path) -> None:
    text = "A 6 . 2 tremor shook 1 , 300 homes in 2008 , 300 km away - a 3 - 1 split ."
    path = write_jsonl(tmp_path / "numbers.jsonl", [doc("3_1a", [text])])
    [only] = read_docs(path)
    assert only.body == "A 6.2 tremor shook 1,300 homes in 2008, 300 km away - a 3-1 split."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"topic": 1}\nnot json\n', "line 1: expected an object"),
        (json.dumps(DOCS[0]) + "\n{broken\n", "line 2: not JSON"),
        (json.dumps({**DOCS[0], "sentences": ["plain string"]}) + "\n", "line 1: expected"),
        (json.dumps([1, 2]) + "\n", "line 1: expected an object"),
        ("\n\n", "no documents"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TerminalError) as caught:
        evaluate(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_missing_file_is_a_terminal_error(tmp_path: Path) -> None:
    with pytest.raises(TerminalError, match="cannot read topics file"):
        read_docs(tmp_path / "absent.jsonl")


def test_doc_outlet_ignores_an_url_without_host() -> None:
    assert Doc("1", "1_a", "1_9a", "not a url", "Body text.").outlet == "1_9a"


@pytest.mark.slow
def test_real_model_and_scorer_count_the_forced_merge(topics_file: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    metrics = evaluate_merges(topics_file, Settings(), encoder=encoder, examples=10)
    forced = "Firefighters arrived within minutes of the first call, officials said."
    assert metrics["cross_event_claims"] >= 1
    assert any(forced in ex["events"].get("1_b", "") for ex in metrics["examples"])
    assert metrics["cross_document_claims"] >= 3
