"""Sentence splitting: news abbreviations, quotations, paragraphs and exact offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.clean import clean_article
from claims.sentences import split_sentences

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def texts(body: str) -> list[str]:
    return [span.text for span in split_sentences(body)]


@pytest.mark.parametrize(
    "body",
    [
        "Mr. Okafor met Gen. Lindqvist in the capital. The talks lasted an hour.",
        "The hearing is set for Sept. 9 at 10 a.m. in the chamber. Lawyers objected.",
        "The U.S. delegation arrived on Jan. 5 with Dr. Haddad. It left a day later.",
        "He cited figures from the U.K. Treasury. The opposition disputed them.",
    ],
)
def test_abbreviations_do_not_end_sentences(body: str) -> None:
    assert len(texts(body)) == 2


def test_closing_quote_belongs_to_the_sentence_it_closes() -> None:
    assert texts('"It is done." He left.') == ['"It is done."', "He left."]
    assert texts("\u201cWe will rebuild.\u201d The mayor left.") == [
        "\u201cWe will rebuild.\u201d",
        "The mayor left.",
    ]


def test_punctuation_inside_quotes_does_not_split_a_sentence() -> None:
    assert texts('He shouted "stop!" and ran to the car.') == [
        'He shouted "stop!" and ran to the car.'
    ]
    assert texts('She asked, "Why now?" The minister did not answer.') == [
        'She asked, "Why now?"',
        "The minister did not answer.",
    ]


def test_quote_then_attribution_then_new_quote() -> None:
    body = (
        "\u201cThe bridge is closed to all traffic,\u201d said Ana Ruiz of the transport office. "
        "\u201cIt will not reopen this year.\u201d"
    )
    assert texts(body) == [
        "\u201cThe bridge is closed to all traffic,\u201d said Ana Ruiz of the transport office.",
        "\u201cIt will not reopen this year.\u201d",
    ]


def test_unbalanced_quote_still_splits_before_a_new_quotation() -> None:
    # The first quotation is never closed; the next one opens after a full stop.
    body = (
        'The envoy said the board was "unable to meet the terms it had agreed. '
        '"Instead, it chose delay," she added.'
    )
    assert texts(body) == [
        'The envoy said the board was "unable to meet the terms it had agreed.',
        '"Instead, it chose delay," she added.',
    ]


def test_stray_closing_quote_joins_the_sentence_before() -> None:
    # A closing mark after an already balanced quotation is left over by pysbd at the start of
    # the next sentence; it belongs to the end of the sentence it follows.
    body = '"The market will recover," said Lena Park, an analyst." The index fell again.'
    assert texts(body) == [
        '"The market will recover," said Lena Park, an analyst."',
        "The index fell again.",
    ]


def test_ellipsis_inside_a_sentence() -> None:
    body = "The city will cut power... unless the region pays its debts. Talks resume today."
    assert texts(body) == [
        "The city will cut power... unless the region pays its debts.",
        "Talks resume today.",
    ]


def test_paragraphs_are_split_separately() -> None:
    body = "A heading without a full stop\n\nThe first paragraph ends here.\n\nAnother one."
    assert texts(body) == [
        "A heading without a full stop",
        "The first paragraph ends here.",
        "Another one.",
    ]


def test_offsets_are_exact_with_odd_whitespace() -> None:
    body = "  First one.   Second\u00a0one!\n\n\n  \u201cThird,\u201d he said.  \n"
    spans = split_sentences(body)
    assert [s.text for s in spans] == [
        "First one.",
        "Second\u00a0one!",
        "\u201cThird,\u201d he said.",
    ]
    for span in spans:
        assert body[span.start : span.end] == span.text


def test_empty_and_blank_bodies() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t ") == []


def test_no_text_is_lost() -> None:
    body = "One [?] two. Three (four.) five? Six!! Seven\u2026 eight.\n\nNine"
    joined = "".join(span.text for span in split_sentences(body))
    assert joined.replace(" ", "") == body.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_offsets_are_exact_and_ordered(path: Path) -> None:
    body = clean_article(path.read_text(encoding="utf-8")).body
    spans = split_sentences(body)
    assert spans
    previous_end = 0
    for span in spans:
        assert body[span.start : span.end] == span.text == span.text.strip()
        assert span.start >= previous_end
        assert "\n\n" not in span.text  # never across a paragraph boundary
        previous_end = span.end


def _seed_sentences(prefix: str) -> list[str]:
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    return texts(clean_article(path.read_text(encoding="utf-8")).body)


def test_seed_quote_and_attribution_sentence() -> None:
    sentences = _seed_sentences("000")
    assert (
        "\u201cThe hospital is now not usable at all,\u201d said Adham Sahloul of the Syrian "
        "American Medical Society." in sentences
    )
    assert (
        "\u201cIt is not salvageable, per reports from the staff and doctors there.\u201d"
        in sentences
    )


def test_seed_unbalanced_quote_splits_sensibly() -> None:
    sentences = _seed_sentences("001")
    first = next(s for s in sentences if s.startswith("According to the US spokesman"))
    assert first.endswith("to which Moscow agreed.")
    following = sentences[sentences.index(first) + 1]
    assert following.startswith('"Rather, Russia and the Syrian regime')
    assert following.endswith("Kirby added.")


def test_seed_abbreviations() -> None:
    sentences = _seed_sentences("002")
    assert any(
        s.startswith("\u201cThis is not a decision") and "Mr. Kirby said." in s for s in sentences
    )
    assert any("on Sept. 17" in s and "Sept. 19 bombing" in s for s in sentences)
    assert any(s.startswith("When Mr. Kerry") and "Sergey V. Lavrov" in s for s in sentences)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Pres. Obama met Atty. Gen. Lynch and Amb. Power. They talked.",
            ["Pres. Obama met Atty. Gen. Lynch and Amb. Power.", "They talked."],
        ),
        ("Turnout was 61 pct. in May. It fell.", ["Turnout was 61 pct. in May.", "It fell."]),
        (
            "The polls closed at 8 p.m. Tuesday. Counting began.",
            ["The polls closed at 8 p.m. Tuesday.", "Counting began."],
        ),
        (
            "The polls closed at 8 p.m. Counting began.",
            ["The polls closed at 8 p.m.", "Counting began."],
        ),
        (
            "She works for the U.N. The agency declined to comment.",
            ["She works for the U.N.", "The agency declined to comment."],
        ),
        (
            "The U.N. Security Council met. It voted.",
            ["The U.N. Security Council met.", "It voted."],
        ),
    ],
)
def test_news_abbreviation_repairs(body: str, expected: list[str]) -> None:
    assert texts(body) == expected


def test_long_paragraph_is_split_like_short_ones() -> None:
    sentences = [f"Speaker {i} said the vote on item {i} was close." for i in range(600)]
    body = " ".join(sentences)  # one paragraph far longer than a pysbd window
    spans = split_sentences(body)
    assert [s.text for s in spans] == sentences
    assert all(body[s.start : s.end] == s.text for s in spans)


def test_unpunctuated_giant_line_keeps_all_text() -> None:
    body = "word " * 5000
    spans = split_sentences(body)
    assert "".join(s.text for s in spans).replace(" ", "") == body.replace(" ", "")


def test_safe_to_call_from_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    bodies = [clean_article(p.read_text(encoding="utf-8")).body for p in SEEDS] * 4
    expected = [split_sentences(b) for b in bodies]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(split_sentences, bodies)) == expected


# Paragraphs the pysbd shortcut takes (plain sentences) and ones it must leave to pysbd.
PLAIN = [
    "The talks collapsed on Monday.",
    "The United States suspended its talks with Russia, officials said on Monday.",
    "“Everybody’s patience with Russia has run out,” White House spokesman Josh Earnest said.",
    "According to Kirby, Russia was “unwilling or unable to ensure adherence.”",
    "US suspends talks with Russia over Syria",
    "The ceasefire collapsed within a week. Aid convoys were bombed. Nobody took the blame.",
    "Some 275,000 civilians are trapped in the east of the city, the UN says in 2016.",
]
LEFT_TO_PYSBD = [
    "Mr. Kirby said the talks were over.",
    "The deal was signed by Apple Inc. The company declined to comment.",
    "“Go now” He left the room.",
    "He listed three points: a. the ceasefire.",
    "The talks failed. “We regret this,” she said. Then she left.",
    "Was the truce ever real? Nobody knows.",
    "It ended in Vol. III. The end.",
    "The U.S. envoy left.",
]


@pytest.mark.parametrize("body", PLAIN + LEFT_TO_PYSBD)
def test_plain_paragraph_shortcut_splits_as_pysbd_does(
    body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claims.sentences as sentences

    assert (sentences._plain_sentences(body) is not None) == (body in PLAIN)
    shortcut = [(s.start, s.end) for s in split_sentences(body)]
    monkeypatch.setattr(sentences, "_plain_sentences", lambda text: None)
    assert shortcut == [(s.start, s.end) for s in split_sentences(body)]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_paragraphs_split_the_same_without_the_shortcut(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claims.sentences as sentences

    body = clean_article(path.read_text(encoding="utf-8")).body
    shortcut = split_sentences(body)
    monkeypatch.setattr(sentences, "_plain_sentences", lambda text: None)
    assert shortcut == split_sentences(body)
