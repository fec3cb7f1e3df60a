"""Attribution rules on short invented news sentences: one test per case news writing uses."""

from __future__ import annotations

import pytest

from claims.attribution import Attribution, attribute_text
from claims.attribution.quotes import find_quotes
from claims.attribution.speakers import parse_speaker
from claims.sentences import split_sentences


def attribute(body: str) -> list[tuple[str, Attribution]]:
    sentences = split_sentences(body)
    return [(s.text, a) for s, a in zip(sentences, attribute_text(body, sentences), strict=True)]


def find(body: str, fragment: str) -> Attribution:
    for text, att in attribute(body):
        if fragment in text:
            return att
    raise AssertionError(f"no sentence contains {fragment!r}")


INTRO = "Treasury spokeswoman Ana Ruiz spoke on Tuesday. "


def test_one_attribution_per_sentence_in_order() -> None:
    body = "The bank raised rates. Ruiz said it was needed. Markets fell."
    sentences = split_sentences(body)
    out = attribute_text(body, sentences)
    assert len(out) == len(sentences)
    assert [a.attributed for a in out] == [False, True, False]


def test_unattributed_outlet_voice() -> None:
    att = find("The bank raised rates by half a point on Tuesday.", "bank raised")
    assert att.kind == "unattributed" and att.speaker is None and att.rule


def test_quote_then_cue_resolves_short_name() -> None:
    body = INTRO + "“We will not back down,” Ruiz said."
    att = find(body, "back down")
    assert (att.kind, att.speaker, att.speaker_type, att.cue) == (
        "direct",
        "Ana Ruiz",
        "person",
        "said",
    )
    assert att.speaker_as_written == "Ruiz"
    assert body[att.cue_start : att.cue_end] == "said"
    assert att.quote_start is not None and att.quote_end is not None
    assert body[att.quote_start : att.quote_end].startswith("We will not back down")


def test_cue_then_quote() -> None:
    att = find(INTRO + 'Ruiz told reporters, "We will not back down."', "back down")
    assert att.kind == "direct" and att.speaker == "Ana Ruiz" and att.cue == "told"


def test_inverted_cue_with_affiliation() -> None:
    att = find(
        '"The clinic is closed," said Omar Haddad of the Regional Medical Society.', "clinic"
    )
    assert att.kind == "direct" and att.rule == "inverted_cue"
    assert att.speaker == "Omar Haddad" and att.speaker_type == "person"


def test_colon_introduction() -> None:
    att = find(INTRO + 'Ruiz added: "Patience has run out."', "Patience")
    assert att.kind == "direct" and att.cue == "added" and att.speaker == "Ana Ruiz"


def test_title_and_full_name_are_split() -> None:
    att = find('"Talks are over," Treasury spokeswoman Ana Ruiz said.', "Talks")
    assert att.speaker_as_written == "Treasury spokeswoman Ana Ruiz"
    assert att.speaker == "Ana Ruiz"
    assert att.speaker_title == "Treasury spokeswoman"


def test_quote_runs_on_into_next_sentence_and_paragraph() -> None:
    body = (
        '"The talks are over," Ruiz said. "Nobody wants this."\n\n'
        '"We tried everything.\n\n"We will try again next year."'
    )
    out = attribute(body)
    assert [a.speaker for _, a in out] == ["Ruiz"] * len(out)
    assert all(a.kind == "direct" for _, a in out)
    assert {a.rule for _, a in out[1:]} == {"quote_carry"}


def test_quote_whose_cue_comes_after_the_next_sentence() -> None:
    body = "“Prices will rise. Wages will not,” Ruiz said."
    out = attribute(body)
    assert all(a.speaker == "Ruiz" and a.kind == "direct" for _, a in out)


def test_pronouns_resolve_to_nearest_compatible_speaker() -> None:
    body = (
        "Finance Minister Karl Brandt spoke first. The central bank said rates would rise. "
        "Brandt said the plan was sound. He said more cuts would follow. "
        "It said inflation was too high."
    )
    assert find(body, "more cuts").speaker == "Karl Brandt"
    assert find(body, "more cuts").speaker_as_written == "He"
    inflation = find(body, "inflation")
    assert inflation.speaker == "central bank" or inflation.speaker == "The central bank"
    assert inflation.speaker_type == "organisation"


def test_she_skips_a_male_speaker() -> None:
    body = (
        "“No,” said spokeswoman Ana Ruiz. “Yes,” said Mr. Karl Brandt. She said the vote was final."
    )
    assert find(body, "vote was final").speaker == "Ana Ruiz"


def test_according_to() -> None:
    att = find(INTRO + "According to Ruiz, the fund ran dry in May.", "fund ran dry")
    assert (att.kind, att.speaker, att.cue) == ("according_to", "Ana Ruiz", "According to")


def test_trailing_source_is_according_to() -> None:
    att = find("Hundreds of homes were flooded this week, residents say.", "flooded")
    assert att.kind == "according_to" and att.speaker_type == "anonymous"
    att = find("Hundreds of homes were flooded this week, relief groups said.", "flooded")
    assert att.kind == "according_to" and att.speaker_type == "organisation"


def test_statement_as_source_is_document() -> None:
    body = (
        '"We regret the delay," the company said in a statement. '
        '"Work resumes Monday," the statement added.'
    )
    att = find(body, "Work resumes")
    assert att.speaker_type == "document" and att.cue == "added" and att.kind == "direct"


def test_second_hand_source_is_via() -> None:
    att = find(INTRO + '"We regret this," Ruiz said, according to local agencies.', "regret")
    assert att.speaker == "Ana Ruiz" and att.via == "local agencies"
    att = find('"We regret this," Ruiz was quoted as saying by state news agencies.', "regret")
    assert att.speaker == "Ruiz" and att.via == "state news agencies"
    assert att.rule == "quoted_as_saying"


def test_partial_and_indirect() -> None:
    partial = find(INTRO + "Ruiz said the bank had “failed its own test” last year.", "failed")
    indirect = find(INTRO + "Ruiz said the bank will keep its hotline open.", "hotline")
    assert partial.kind == "partial" and indirect.kind == "indirect"
    assert partial.speaker == indirect.speaker == "Ana Ruiz"


@pytest.mark.parametrize(
    "body",
    [
        '"Straight quotes work," Ruiz said.',
        "“Curly quotes work,” Ruiz said.",
        "''Doubled apostrophes work,'' Ruiz said.",
    ],
)
def test_quote_styles(body: str) -> None:
    att = attribute(body)[0][1]
    assert att.kind == "direct" and att.speaker == "Ruiz" and not att.uncertain


@pytest.mark.parametrize(
    "body",
    [
        '"This quote never closes, Ruiz said.',
        'This one closes but never opened," Ruiz said.',
        '"One, "two, three," Ruiz said.',
        "“”“",
        '"',
        "",
    ],
)
def test_unbalanced_quotes_do_not_crash_and_are_uncertain(body: str) -> None:
    out = attribute(body)
    quoted = [a for _, a in out if a.quote_start is not None]
    assert all(a.uncertain for a in quoted)


def test_unbalanced_quote_marks_uncertain_span() -> None:
    spans = find_quotes('He said "yes and left.\n\nNext paragraph.')
    assert len(spans) == 1 and spans[0].uncertain and not spans[0].closed


def test_quote_left_open_at_paragraph_end_runs_on() -> None:
    spans = find_quotes('"First part.\n\n"Second part," she said.')
    assert not spans[0].closed and not spans[0].uncertain
    assert spans[1].closed


@pytest.mark.parametrize(
    ("phrase", "name", "kind", "title"),
    [
        (
            "State Department spokesman John Kirby",
            "John Kirby",
            "person",
            "State Department spokesman",
        ),
        ("the State Department", "State Department", "organisation", None),
        ("A State Department official", "A State Department official", "anonymous", None),
        ("the statement", "the statement", "document", None),
        (
            "Kirby, the State Department spokesman",
            "Kirby",
            "person",
            "the State Department spokesman",
        ),
        (
            "the deputy minister, Gennadi Gatilov",
            "Gennadi Gatilov",
            "person",
            "the deputy minister",
        ),
        ("a report by the Tass news agency", "a report by the Tass news agency", "document", None),
    ],
)
def test_parse_speaker(phrase: str, name: str, kind: str, title: str | None) -> None:
    speaker = parse_speaker(phrase)
    assert (speaker.name, speaker.type, speaker.title) == (name, kind, title)


def test_cue_inside_a_quotation_is_not_the_cue() -> None:
    att = find('"I said no to the deal," Ruiz told the panel.', "deal")
    assert att.cue == "told" and att.speaker == "Ruiz"


def test_scare_quotes_alone_are_not_attribution() -> None:
    att = find("There was no word on what the bank's “Plan B” might be.", "Plan B")
    assert att.kind == "unattributed"


def test_speech_verb_as_noun_is_not_a_cue() -> None:
    assert find("The agency's reports were late again.", "reports").kind == "unattributed"
    assert find("Voters in caucus states stayed home.", "caucus").kind == "unattributed"


def test_trailing_cue_governs_the_sentence() -> None:
    body = "The mayor had told police she did not want an escort, the source added."
    att = find(body, "escort")
    assert (att.cue, att.speaker_as_written, att.kind) == ("added", "the source", "according_to")


def test_appositives_parentheses_and_coordination() -> None:
    att = find("Rep. Jane Doe (D-Ohio) said the vote was rigged.", "rigged")
    assert (att.speaker, att.speaker_title) == ("Jane Doe", "Rep.")
    att = find("Marley Anderson, 21, a junior from Las Vegas, said she voted.", "voted")
    assert att.speaker == "Marley Anderson"
    att = find("Mayor Jane Holt met the survivors on Thursday and said the city would act.", "act")
    assert att.speaker == "Jane Holt" and att.cue == "said"
    att = find(
        "The aid agency Doctors Without Borders reacted with fury, saying clinics were hit.", "fury"
    )
    assert (att.speaker, att.speaker_type, att.rule) == (
        "Doctors Without Borders",
        "organisation",
        "participle_cue",
    )


@pytest.mark.parametrize("body", ["Holt said )", "Holt (D-Ohio said no.", ") said Holt (", "((("])
def test_stray_parentheses_terminate(body: str) -> None:
    assert len(attribute(body)) == len(split_sentences(body))


def test_document_and_evidence_sources() -> None:
    att = find("A new Fox poll shows Holt leading by ten points.", "leading")
    assert att.speaker_type == "document" and att.cue == "shows"
    att = find("In a Fox poll, Holt led by ten points.", "led by")
    assert att.speaker_type == "document" and att.rule == "in_document"


def test_sourceless_reports_are_attributed_but_uncertain() -> None:
    att = find("Russia is expected to veto the resolution.", "veto")
    assert att.attributed and att.speaker is None and att.uncertain
    att = find("The senator reportedly told donors to wait.", "donors")
    assert att.attributed and att.speaker == "The senator"


def test_dash_credit_after_a_quotation() -> None:
    body = "“Fear. I am afraid he will win.” ― Edwin Monroy\n\n“He is clueless.” ― Jane Roe"
    for fragment, speaker in [
        ("Fear", "Edwin Monroy"),
        ("afraid", "Edwin Monroy"),
        ("clueless", "Jane Roe"),
    ]:
        att = find(body, fragment)
        assert (att.speaker, att.kind) == (speaker, "direct")


def test_transcript_labels_need_a_transcript() -> None:
    body = "WALLACE: Do you agree? Tell me.\n\nPENCE: I do.\n\nWALLACE: Thanks."
    out = attribute(body)
    assert [a.speaker for _, a in out] == ["WALLACE", "WALLACE", "PENCE", "WALLACE"]
    assert out[1][1].rule == "transcript_carry"
    assert find("UPDATE: The vote was moved to Friday.", "vote").kind == "unattributed"
    assert find("Q: Will you run?", "run").speaker == "Q"


def test_name_opening_a_headline() -> None:
    body = "House Speaker Paul Ryan met reporters.\n\nRyan: FBI decision defies explanation."
    att = find(body, "FBI decision")
    assert (att.kind, att.speaker) == ("direct", "Paul Ryan")
    assert find("The result: a long night for everyone.", "long night").kind == "unattributed"


def test_marks_inside_leftover_markup_are_not_quotations() -> None:
    spans = find_quotes('<tweet author="@someone" id="42">Polls close at 8.</tweet> He left.')
    assert spans == []


def test_fullest_name_prefers_mentions_before_the_sentence() -> None:
    body = (
        "Bill Clinton spoke first. Hillary Clinton spoke next. "
        "“We will win,” Clinton said. Later Bill Clinton returned."
    )
    assert find(body, "We will win").speaker == "Hillary Clinton"
