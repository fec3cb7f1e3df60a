"""Attribution on the seed articles: every case of issue 6 item 3 as it occurs in real copy."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from claims.attribution import Attribution, attribute_text
from claims.clean import clean_article
from claims.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@cache
def seed(prefix: str) -> tuple[str, tuple[tuple[str, Attribution], ...]]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    body = clean_article(path.read_text(encoding="utf-8")).body
    sentences = split_sentences(body)
    pairs = zip(sentences, attribute_text(body, sentences), strict=True)
    return body, tuple((s.text, a) for s, a in pairs)


def sentence(prefix: str, fragment: str) -> Attribution:
    for text, att in seed(prefix)[1]:
        if fragment in text:
            return att
    raise AssertionError(f"seed {prefix}: no sentence contains {fragment!r}")


# (seed, fragment, kind, speaker, speaker_type, cue)
CASES = [
    # quote then cue, title and full name
    ("000", "Everybody’s patience", "direct", "Josh Earnest", "person", "told"),
    ("000", "This is not a decision", "direct", "John Kirby", "person", "said"),
    ("002", "This is not a decision", "direct", "John Kirby", "person", "said"),
    # inverted cue
    ("000", "The hospital is now not usable", "direct", "Adham Sahloul", "person", "said"),
    # colon introduction
    ("001", "Earnest added", "direct", "Josh Earnest", "person", "added"),
    # a quotation running on with no cue of its own
    ("000", "After failing to fulfill", "direct", "Maria Zakharova", "person", "said"),
    ("000", "It is not salvageable", "direct", "Adham Sahloul", "person", "said"),
    ("003", "The secretary stressed", "direct", "John Kirby", "person", "said"),
    ("002", "The United States spared no effort", "direct", "John Kirby", "person", "said"),
    # pronouns
    ("000", "He said three maintenance workers", "indirect", "Adham Sahloul", "person", "said"),
    ("003", "The secretary made clear", "direct", "John Kirby", "person", "said"),
    (
        "000",
        "since it began in late August, it said",
        "according_to",
        "Syrian Observatory for Human Rights",
        "organisation",
        "said",
    ),
    # according to
    ("000", "According to Kirby", "according_to", "John Kirby", "person", "According to"),
    (
        "002",
        "international aid groups say",
        "according_to",
        "international aid groups",
        "organisation",
        "say",
    ),
    # statements and reports as sources
    ("002", "the statement added", "direct", "the statement", "document", "added"),
    # partial and indirect reported speech
    ("004", "Kirby said Russia had", "partial", "John Kirby", "person", "said"),
    (
        "000",
        "A State Department official said",
        "partial",
        "A State Department official",
        "anonymous",
        "said",
    ),
    # straight quotes
    ("001", "Unfortunately, Russia failed", "direct", "John Kirby", "person", "said"),
]


@pytest.mark.parametrize(("prefix", "fragment", "kind", "speaker", "speaker_type", "cue"), CASES)
def test_seed_case(
    prefix: str, fragment: str, kind: str, speaker: str, speaker_type: str, cue: str
) -> None:
    att = sentence(prefix, fragment)
    assert (att.kind, att.speaker, att.speaker_type, att.cue) == (kind, speaker, speaker_type, cue)


def test_title_as_written() -> None:
    att = sentence("000", "This is not a decision")
    assert att.speaker_as_written == "State Department spokesman John Kirby"
    assert att.speaker_title == "State Department spokesman"


def test_second_hand_source_via() -> None:
    att = sentence("000", "We regret this decision")
    assert (att.speaker, att.via) == ("Maria Zakharova", "Russian agencies")
    att = sentence("001", "We regret this decision")
    assert (att.speaker, att.via) == ("Maria Zakharova", "Russian news agencies")
    assert att.rule == "quoted_as_saying"


def test_unbalanced_straight_quote_is_uncertain() -> None:
    # Seed 001 opens a quote after "Russia was" that never closes before the next one opens.
    att = sentence("001", "According to the US spokesman")
    assert att.kind == "according_to" and att.uncertain


def test_outlet_voice_stays_unattributed() -> None:
    for fragment in ("There was no word on what America", "Meanwhile, the fighting continued"):
        assert sentence("000", fragment).kind == "unattributed"


def test_offsets_point_into_the_body() -> None:
    body, pairs = seed("000")
    for _, att in pairs:
        if att.cue_start is not None and att.cue_end is not None and att.cue:
            assert body[att.cue_start : att.cue_end] == att.cue
        if att.quote_start is not None and att.quote_end is not None:
            assert 0 <= att.quote_start < att.quote_end <= len(body)
