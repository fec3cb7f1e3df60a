"""Fact-check flags: each says which mentions disagree."""

from __future__ import annotations

from claims.copykind import copy_kind
from claims.flags import (
    MemberFacts,
    attribution_dropped,
    claim_flags,
    numbers_differ,
    same_speaker,
    speakers_differ,
)


def facts(
    mid: str,
    outlet: str,
    text: str = "The talks were suspended on Monday by the United States.",
    kind: str = "sentence",
    attribution: str | None = "unattributed",
    speaker: str | None = None,
    speaker_type: str | None = None,
    quoted: bool = False,
) -> MemberFacts:
    return MemberFacts(mid, outlet, text, kind, attribution, speaker, speaker_type, quoted)


def test_numbers_differ_names_the_disagreeing_mentions() -> None:
    members = [
        facts("m1", "Times", "Roughly 275,000 civilians are trapped in those areas"),
        facts("m2", "Wire", "a quarter-of-a-million civilians are trapped"),
        facts("m3", "Post", "Civilians are trapped in the east of the city"),
    ]
    flag = numbers_differ(members)
    assert flag is not None
    assert flag.mention_ids == ["m1", "m2"]
    assert "275,000" in flag.detail and "quarter-of-a-million" in flag.detail


def test_same_numbers_raise_no_flag() -> None:
    members = [
        facts("m1", "Times", "Roughly 275,000 civilians are trapped in those areas"),
        facts("m2", "Wire", "Some 275,000 civilians are trapped in eastern Aleppo"),
    ]
    assert numbers_differ(members) is None


def test_speakers_differ_across_outlets() -> None:
    members = [
        facts("m1", "Times", attribution="direct", speaker="John Kirby", speaker_type="person"),
        facts("m2", "Wire", attribution="direct", speaker="Mr. Kirby", speaker_type="person"),
        facts("m3", "Post", attribution="direct", speaker="Josh Earnest", speaker_type="person"),
    ]
    flag = speakers_differ(members)
    assert flag is not None
    assert flag.mention_ids == ["m1", "m2", "m3"]
    assert "Josh Earnest (Post)" in flag.detail
    assert speakers_differ(members[:2]) is None


def test_unnamed_or_document_speakers_do_not_count_as_different() -> None:
    members = [
        facts("m1", "Times", attribution="direct", speaker="John Kirby", speaker_type="person"),
        facts("m2", "Wire", attribution="direct", speaker="the statement", speaker_type="document"),
        facts("m3", "Post", attribution="direct", speaker="an official", speaker_type="anonymous"),
        facts("m4", "Sun", attribution="direct", speaker="Washington", speaker_type="organisation"),
    ]
    assert speakers_differ(members) is None


def test_same_speaker_names() -> None:
    assert same_speaker("Maria Zakharova", "Zakharova")
    assert same_speaker("Mr. Kirby", "John Kirby")
    assert not same_speaker("John Kirby", "John Kerry")


def test_attribution_dropped_when_one_outlet_states_it_as_fact() -> None:
    members = [
        facts("m1", "Times", attribution="indirect", speaker="John Kirby", speaker_type="person"),
        facts("m2", "Wire", attribution="unattributed"),
        facts("m3", "Post", kind="quote", attribution=None, quoted=True),
    ]
    flag = attribution_dropped(members)
    assert flag is not None
    assert flag.mention_ids == ["m1", "m2", "m3"]
    assert "stated as fact by Wire" in flag.detail


def test_attribution_not_dropped_when_all_attribute_or_unknown() -> None:
    members = [
        facts("m1", "Times", attribution="direct", speaker="John Kirby", speaker_type="person"),
        facts("m2", "Wire", attribution=None),
        # a clause outside any quote, in a said-sentence: attribution unclear, not a fact claim
        facts("m3", "Post", kind="clause", attribution="indirect"),
    ]
    assert attribution_dropped(members) is None
    assert claim_flags(members) == []


def test_copy_kinds() -> None:
    canonical = "Everybody's patience with Russia has run out"
    assert copy_kind("Everybody’s patience with Russia has run out.", canonical) == "verbatim"
    assert copy_kind("Everybody's patience with Moscow has run out", canonical) == "edited"
    assert copy_kind("Washington has lost all patience with the Kremlin", canonical) == "paraphrase"
