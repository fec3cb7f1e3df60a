"""Mentions: which sentences state something, quotes inside sentences, quantity clauses."""

from __future__ import annotations

from claims.ids import text_hash
from claims.mentions import (
    count_words,
    main_clause_span,
    mention_id,
    quoted_spans,
    sentence_mentions,
    states_something,
)


def mentions(text: str, start: int = 0, **kw: object) -> list[tuple[str, str]]:
    args = {"min_mention_words": 5, "min_quote_words": 5, **kw}
    found = sentence_mentions("s1", "a1", text, start, **args)  # type: ignore[arg-type]
    return [(m.kind, m.text) for m in found]


def test_questions_fragments_and_short_leftovers_are_not_mentions() -> None:
    assert not states_something("Are you in Russia and need consular assistance?", 5)
    assert not states_something("What did he say about the talks?”", 5)
    assert not states_something("Follow the latest updates here:", 5)
    assert not states_something("Meanwhile, the fighting continued.", 5)
    assert not states_something("BREAKING NEWS FROM THE WIRE TODAY", 5)
    assert not states_something("Sunday, March 17, 2013 | 5:00 PM", 5)
    assert not states_something("2 October 2013, 15: 39 (GMT+05: 00)", 5)
    assert states_something("The fighting continued for a third day.", 5)


def test_min_words_is_a_parameter() -> None:
    assert mentions("Meanwhile, the fighting continued.", min_mention_words=3) == [
        ("sentence", "Meanwhile, the fighting continued.")
    ]
    assert mentions("Meanwhile, the fighting continued.") == []


def test_numbers_with_commas_are_one_word() -> None:
    assert count_words("Roughly 275,000 civilians are trapped.") == 5


def test_quote_inside_sentence_is_its_own_mention_with_offsets() -> None:
    text = "“This is not a decision that was taken lightly,” the spokesman said on Monday."
    found = sentence_mentions("s1", "a1", text, 100, min_mention_words=5, min_quote_words=5)
    quote = [m for m in found if m.kind == "quote"][0]
    assert quote.text == "This is not a decision that was taken lightly"
    assert (quote.char_start, quote.char_end) == (101, 146)
    assert quote.text_hash == text_hash(quote.text)
    assert quote.mention_id == mention_id("s1", "quote", 101, 146)


def test_same_quote_in_different_sentences_gives_the_same_text() -> None:
    a = mentions('"We regret this decision by Washington," the spokeswoman said.')
    b = mentions("The ministry said: “We regret this decision by Washington.”")
    assert ("quote", "We regret this decision by Washington") in a
    assert ("quote", "We regret this decision by Washington") in b


def test_quote_continued_from_previous_sentence_and_into_next() -> None:
    closes = "This is not a decision that was taken lightly,” the spokesman said."
    opens = "He added: “We will keep talking to our partners about the next steps"
    assert quoted_spans(closes) == [(0, closes.index("”"))]
    assert mentions(closes)[1] == ("quote", "This is not a decision that was taken lightly")
    assert ("quote", "We will keep talking to our partners about the next steps") in mentions(opens)


def test_two_sentence_quote_gives_one_mention_per_sentence() -> None:
    text = (
        "“The talks are suspended as of today. This is not a decision that was taken lightly,” "
        "the spokesman said."
    )
    quotes = [t for k, t in mentions(text) if k == "quote"]
    assert quotes == [
        "The talks are suspended as of today",
        "This is not a decision that was taken lightly",
    ]


def test_short_quotes_and_whole_sentence_quotes_are_not_extra_mentions() -> None:
    assert mentions("Kerry remains “laser-focused” on finding a diplomatic solution.") == [
        ("sentence", "Kerry remains “laser-focused” on finding a diplomatic solution.")
    ]
    whole = "“After failing to fulfil the agreements, they are trying to shift responsibility.”"
    assert [k for k, _ in mentions(whole)] == ["sentence"]


def test_attribution_quote_span_is_used_when_no_marks_are_found() -> None:
    text = "He said the agreement had failed to protect any of the civilians."
    start = 50
    q0 = start + text.index("the agreement")
    found = mentions(text, start, quote_span=(q0, start + len(text)))
    assert ("quote", "the agreement had failed to protect any of the civilians") in found


def test_quantity_clause_is_a_mention() -> None:
    found = mentions(
        "Assad's forces launched an offensive on the eastern half of the city of Aleppo, "
        "where a quarter-of-a-million civilians are trapped."
    )
    assert ("clause", "a quarter-of-a-million civilians are trapped") in found
    found = mentions("Roughly 275,000 civilians are trapped there, including 100,000 children.")
    assert ("clause", "Roughly 275,000 civilians are trapped there") in found
    # too short once the connector is dropped
    assert not any(t.startswith("including") or t.startswith("100,000") for _, t in found)


def test_short_main_clause_or_one_across_quote_marks_is_not_a_mention() -> None:
    assert [k for k, _ in mentions("The talks ended, which surprised the diplomats there.")] == [
        "sentence"
    ]
    text = "“The truce is over,” he said, referring to the deal of 9 September, which collapsed."
    assert all(k != "clause" or "”" not in t for k, t in mentions(text))


def test_main_clause_without_framing_and_trailing_circumstance_is_a_mention() -> None:
    found = mentions(
        "Under that protocol, a truce came into effect on September 12, but it collapsed "
        "within a week amid bitter recriminations and a surge of fighting in the civil war."
    )
    assert (
        "clause",
        "a truce came into effect on September 12, but it collapsed within a week",
    ) in found
    found = mentions(
        "The spokesman did not say more, referring to the truce agreed by the US and Russia on "
        "9 September which collapsed in less than a week."
    )
    assert (
        "clause",
        "the truce agreed by the US and Russia on 9 September which collapsed in less than a week",
    ) in found


def test_no_main_clause_when_nothing_worth_cutting_or_the_sentence_quotes() -> None:
    # No comma: where the opening phrase ends is unknown, so nothing is cut.
    text = "Under a deal signed in Geneva a truce was declared but it collapsed within a week."
    assert mentions(text) == [("sentence", text)]
    # A one-word opener leaves what the whole sentence matches anyway.
    text = "Meanwhile, the fighting continued across the whole of the city."
    assert mentions(text) == [("sentence", text)]
    # Quoted words are quote mentions; a cut would mix them with the reporter's words.
    text = "In a statement, he said “the talks are over for now,” amid fighting in the north."
    assert all(k != "clause" for k, _ in mentions(text))


def test_main_clause_is_not_cut_at_an_inserted_clause_or_a_false_frame() -> None:
    for text in [
        # an inserted clause closes with a comma and the sentence goes on
        "The head of the UN refugee agency, who visited the camp on Tuesday, warned that aid "
        "was running out.",
        # a subject, not a frame, before the first comma
        "At least 300 people, including 40 children, were killed in the strikes, officials said.",
        "Last year's figures, released on Monday by the statistics office, showed inflation up.",
        "Under pressure from donors, who have threatened to cut funding, the government agreed "
        "to hold new elections.",
    ]:
        assert main_clause_span(text) is None, text
    text = "On September 12, 2016, a truce brokered by the United States came into effect in Syria."
    start, end = main_clause_span(text) or (0, 0)
    assert text[start:end] == "a truce brokered by the United States came into effect in Syria"
    text = "The minister resigned on Friday amidst a growing scandal over party funding."
    start, end = main_clause_span(text) or (0, 0)
    assert text[start:end] == "The minister resigned on Friday"
    assert main_clause_span("On Monday, ,,, amid") is None


def test_mention_ids_are_stable_and_distinct() -> None:
    a = sentence_mentions(
        "s1",
        "a1",
        "“One two three four five six,” he said today.",
        0,
        min_mention_words=5,
        min_quote_words=5,
    )
    b = sentence_mentions(
        "s1",
        "a1",
        "“One two three four five six,” he said today.",
        0,
        min_mention_words=5,
        min_quote_words=5,
    )
    assert [m.mention_id for m in a] == [m.mention_id for m in b]
    assert len({m.mention_id for m in a}) == len(a) == 2
