"""Number extraction: amounts with their nouns, number words, and dates/years kept apart."""

from __future__ import annotations

import pytest

from claims.numbers import extract_numbers, extract_quantities, quantities_conflict


def _amounts(text: str) -> list[tuple[float, str | None]]:
    return [(q.value, q.unit_hint) for q in extract_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some 275,000 residents fled.", [(275_000, "residents")]),
        ("a quarter-of-a-million refugees", [(250_000, "refugees")]),
        ("a quarter of a million refugees", [(250_000, "refugees")]),
        ("left half a million people homeless", [(500_000, "people")]),
        ("including an estimated 40,000 children", [(40_000, "children")]),
        ("at least 12 Kurdish-led Syrian fighters", [(12, "fighters")]),
        ("seven people and three dogs", [(7, "people"), (3, "dogs")]),
        ("2.5 million voters", [(2_500_000, "voters")]),
        ("two and a half million voters", [(2_500_000, "voters")]),
        ("one hundred thousand troops", [(100_000, "troops")]),
        ("twenty-one ships", [(21, "ships")]),
        ("the four-year-old dispute", [(4, "year")]),
        ("5,000 stranded passengers", [(5_000, "passengers")]),
        ("a 40% rise", [(40, "percent")]),
        ("3 per cent", [(3, "percent")]),
        ("$2.5bn in aid", [(2.5e9, "dollar")]),
        ("1500 troops arrived", [(1500, "troops")]),
        ("a quake of magnitude 6.1 struck", [(6.1, None)]),  # a verb is not a unit
        ("one soldier died", [(1, "soldier")]),
    ],
)
def test_amounts_with_units(text: str, expected: list[tuple[float, str | None]]) -> None:
    assert _amounts(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("the vote on October 14 was delayed", "date"),
        ("a deal reached on Oct. 3 failed", "date"),
        ("signed on 3 October in Paris", "date"),
        ("the 5th of November", "date"),
        ("fighting since 2013 has", "year"),
        ("at 4 p.m. local time", "time"),
        ("the 21st round", "ordinal"),
        ("the first attempt", "ordinal"),
        ("filed 04/11/2019", "date"),
    ],
)
def test_non_amounts_are_told_apart(text: str, kind: str) -> None:
    numbers = extract_numbers(text)
    assert [q.kind for q in numbers] == [kind]
    assert extract_quantities(text) == []


def test_offsets_and_text_point_into_source() -> None:
    text = "Officials said a quarter-of-a-million refugees were stranded."
    (q,) = extract_quantities(text)
    assert text[q.start : q.end] == q.text == "a quarter-of-a-million"
    assert q.describe() == "a quarter-of-a-million refugees"


def test_qualifiers() -> None:
    got = {
        q.value: q.qualifier
        for q in extract_quantities(
            "roughly 9,000 homes, more than 300 people, up to 40 trucks, hundreds of villages"
        )
    }
    assert got == {9000: "approx", 300: "min", 40: "max", 100: "vague"}


def test_conflict_on_same_noun_with_different_values() -> None:
    pairs = quantities_conflict(
        "Roughly 320,000 refugees are stranded in the camps.",
        "a quarter-of-a-million refugees are stranded in the camps",
    )
    assert [(a.value, b.value) for a, b in pairs] == [(320_000, 250_000)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Roughly 320,000 refugees are stranded.", "320,000 refugees are stranded."),
        ("roughly half a million people died", "about 480,000 people died"),
        ("more than 300 people died", "310 people died"),
        ("320,000 refugees are stranded", "40,000 children are stranded"),  # different things
        ("the war began in 2011", "the war began in 2012"),  # years are not amounts
        ("hundreds of homes burned", "about 600 homes burned"),  # vague amounts never conflict
        ("320,000 refugees; 250,000 refugees earlier", "250,000 refugees"),  # b's value is in a
    ],
)
def test_no_conflict(a: str, b: str) -> None:
    assert quantities_conflict(a, b) == []


def test_small_counts_differ_without_rounding_tolerance() -> None:
    assert len(quantities_conflict("21 soldiers were hurt", "20 soldiers were hurt")) == 1


def test_nounless_amounts_compared_only_when_alone() -> None:
    assert len(quantities_conflict("the toll rose to 2.5 million", "the toll was 3 million")) == 1
    assert quantities_conflict("2 million and 3 million", "5 million") == []
