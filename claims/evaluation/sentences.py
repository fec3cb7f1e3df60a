"""Sentence-splitting evaluation: exact-match rate of predicted sentence lists against gold.

Input format, one JSON object a line (the pySBD test-case format):
`{"source", "list", "idx", "xfail_in_pysbd", "text", "sentences": [...], "pysbd_clean"?}`.

A case matches when the predicted list equals the gold list, comparing each sentence stripped.
Cases flagged `pysbd_clean` have gold made from pySBD's *cleaned* text (newlines inside
sentences removed, HTML stripped); for those the input goes through pySBD's cleaner first, exactly
as the gold was made, and the splitter under test is still `split_sentences`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from pysbd.cleaner import Cleaner
from pysbd.languages import Language

from ..errors import TerminalError
from ..sentences import split_sentences

_MASKED_QUESTION = "&\u14f7&"


def evaluate_sentences(path: Path) -> dict[str, Any]:
    """Return {"cases", "exact", "exact_match_rate", "by_list", "failures"} for a cases file."""
    cases = list(read_cases(path))
    by_list: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures: list[dict[str, Any]] = []
    exact = 0
    for case in cases:
        predicted = predict(case["text"], bool(case.get("pysbd_clean")))
        gold = _stripped(case["sentences"])
        ok = predicted == gold
        exact += ok
        tally = by_list[str(case.get("list", ""))]
        tally[0] += ok
        tally[1] += 1
        if not ok:
            failures.append(_failure(case, gold, predicted))
    return {
        "cases": len(cases),
        "exact": exact,
        "exact_match_rate": round(exact / len(cases), 4) if cases else 0.0,
        "by_list": {name: {"exact": t[0], "cases": t[1]} for name, t in sorted(by_list.items())},
        "failures": failures,
    }


def predict(text: str, pysbd_clean: bool = False) -> list[str]:
    """Return the stripped sentence texts split_sentences finds in a case's text."""
    if pysbd_clean:
        text = Cleaner(text, Language.get_language_code("en")).clean() or ""
        # The cleaner masks "?" inside brackets for pySBD's own processor to unmask later.
        text = text.replace(_MASKED_QUESTION, "?")
    return _stripped(span.text for span in split_sentences(text))


def read_cases(path: Path) -> list[dict[str, Any]]:
    """Return the cases of a JSON Lines file; a malformed line raises TerminalError naming it."""
    cases = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as exc:
                reason = f"line {line_no}: not JSON ({exc.msg})"
                raise TerminalError(reason, path=str(path)) from exc
            if not isinstance(case, dict) or not _valid(case):
                raise TerminalError(
                    f"line {line_no}: expected an object with 'text' (string) and "
                    "'sentences' (list of strings)",
                    path=str(path),
                )
            cases.append(case)
    return cases


def _valid(case: dict[str, Any]) -> bool:
    sentences = case.get("sentences")
    return (
        isinstance(case.get("text"), str)
        and isinstance(sentences, list)
        and all(isinstance(s, str) for s in sentences)
    )


def _stripped(sentences: Any) -> list[str]:
    return [s.strip() for s in sentences if s.strip()]


def _failure(case: dict[str, Any], gold: list[str], predicted: list[str]) -> dict[str, Any]:
    return {
        "list": case.get("list"),
        "idx": case.get("idx"),
        "text": case["text"],
        "gold": gold,
        "predicted": predicted,
    }
