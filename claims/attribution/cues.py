"""Cues in a sentence: reporting verbs with their subjects, "according to", noun cues and
sourceless cues ("is expected to"). Each is a `Candidate`; rules.py picks one per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import (
    ALWAYS_AMBIGUOUS,
    AUXILIARIES,
    BELIEF_FINITE,
    COMPLEMENT_WORDS,
    DOC_HEADS,
    DOC_OBJECT_VERBS,
    EVIDENCE_VERBS,
    FUNCTION_WORDS,
    GERUND_STOPS,
    GERUND_WITH_PREPOSITION,
    GERUNDS,
    INFINITIVE_CUES,
    INVERTIBLE,
    NEEDS_COMPLEMENT,
    NOUN_CUES,
    ORG_HEADS,
    PLURAL_SUBJECTS,
    PROGRESSIVE,
    QUOTE_VERBS_FINITE,
    REQUIRED_NEXT,
    SPEECH_FINITE,
    SPEECH_GERUND,
    STRONG_NOUN_CUES,
    WEEKDAYS,
    lemma_of,
)
from .patterns import (
    TIME_WORDS,
    may_start_subject,
    np_after,
    sentence_subject,
    subject_after,
    subject_before,
)
from .tokens import Token

_PASSIVE = {"was", "were", "is", "are", "be", "been", "being"}

_PAST_ONLY = re.compile(r"(ed|told|said|wrote|thought|felt|knew|found|showed|shown|held)$")

DASHES = {"―", "—", "–", "-"}

SUBJECTLESS = {"infinitive_cue", "participle_cue", "expectation", "evidential", "asked", "hedge"}

# Documents a person speaks through ("In an interview, Trump …"), unlike a poll or a study.
SPOKEN_DOCS = {
    "interview",
    "speech",
    "statement",
    "remarks",
    "letter",
    "tweet",
    "post",
    "op-ed",
    "address",
    "appearance",
    "email",
    "message",
    "memo",
    "video",
    "ad",
    "column",
    "editorial",
    "conversation",
    "call",
    "testimony",
    "spot",
    "book",
    "essay",
}
HEDGES = {"reportedly", "allegedly", "purportedly", "supposedly"}

TIME_HEADS = {
    "years",
    "year",
    "months",
    "month",
    "weeks",
    "week",
    "days",
    "addition",
    "case",
    "order",
    "fact",
    "response",
    "turn",
    "part",
    "effect",
    "general",
    "particular",
}

EVIDENTIAL = {"seem", "seems", "seemed", "appear", "appears", "appeared"}

ASKED_NEXT = {"about", "whether", "if", "why", "how", "what", "by", "to", "for"}

PARTICIPLE_LEADS = {
    "by",
    "and",
    "while",
    "after",
    "before",
    "when",
    "without",
    "also",
    "repeatedly",
    "publicly",
}

# Lower number wins; ties go to the earlier cue in the sentence.
PRIORITY = {
    "subject_cue": 0,
    "inverted_cue": 0,
    "according_to": 0,
    "quoted_as_saying": 0,
    "belief_cue": 2,
    "participle_cue": 3,
    "infinitive_cue": 3,
    "dash_credit": 1,
    "expectation": 5,
    "evidential": 5,
    "hedge": 6,
    "in_document": 4,
    "asked": 4,
    "noun_cue": 4,
}


@dataclass
class Candidate:
    rule: str
    cue: tuple[int, int]
    subject: tuple[int, int] | None
    via: tuple[int, int] | None = None
    trailing: bool = False  # "…, the source added." ends the sentence and governs all of it

    @property
    def priority(self) -> tuple[int, int]:
        return PRIORITY[self.rule], self.cue[0]


def find_candidates(tokens: list[Token]) -> list[Candidate]:
    """Return every cue in the sentence (outside quotations) that has a speaker."""
    found = []
    for i, tok in enumerate(tokens):
        if tok.quoted or not (tok.is_word or tok.text in DASHES):
            continue
        if tok.low not in _TRIGGERS and tok.text not in DASHES:
            continue  # no rule of _candidate_at can fire on this word
        cand = _candidate_at(tokens, i)
        if cand is not None:
            found.append(cand)
    return found


# Every word some branch of `_candidate_at` (or the sourceless and noun cues it falls back on)
# starts from; any other word token is skipped before the rules run.
_TRIGGERS = frozenset(
    {"according", "quoted", "expected", "asked", "in"}
    | set(SPEECH_FINITE)
    | set(BELIEF_FINITE)
    | PROGRESSIVE
    | QUOTE_VERBS_FINITE
    | INFINITIVE_CUES
    | GERUNDS
    | EVIDENTIAL
    | HEDGES
    | NOUN_CUES
    | STRONG_NOUN_CUES
)


def _candidate_at(tokens: list[Token], i: int) -> Candidate | None:
    low = tokens[i].low
    if low == "according" and i + 1 < len(tokens) and tokens[i + 1].low == "to":
        span = np_after(tokens, i + 2)
        return Candidate("according_to", (i, i + 2), span) if span else None
    if low == "quoted" and _next_words(tokens, i, 2) in (["as", "saying"], ["as", "telling"]):
        return _quoted_as_saying(tokens, i)
    if low in SPEECH_FINITE or low in BELIEF_FINITE:
        cand = _verb_candidate(tokens, i)
        if cand is not None or low not in {"expected", "asked"}:
            return cand
    if low in PROGRESSIVE and _after_be(tokens, i):
        return _verb_candidate(tokens, i)
    if tokens[i].text in DASHES and (i == 0 or (tokens[i - 1].is_quote and tokens[i - 1].quoted)):
        subject = subject_after(tokens, i)  # '"…" ― Jorge Falcon'
        if subject is None or subject[1] < len(tokens) - 1 or tokens[i].text == "-":
            return None  # a credit is a name closing the sentence
        if not all(t.is_cap or not t.is_word for t in tokens[subject[0] : subject[1]]):
            return None
        return Candidate("dash_credit", (i, i + 1), subject) if subject else None
    if low in QUOTE_VERBS_FINITE and not tokens[i].is_cap:
        return _after_quote_candidate(tokens, i)
    if low in INFINITIVE_CUES and i > 0 and tokens[i - 1].low == "to" and not tokens[i].is_cap:
        return Candidate("infinitive_cue", (i, i + 1), None)
    if low in GERUNDS and _participle_position(tokens, i) and _gerund_reports(tokens, i):
        return Candidate("participle_cue", (i, i + 1), None)
    return _sourceless_candidate(tokens, i) or _noun_candidate(tokens, i)


def _after_be(tokens: list[Token], i: int) -> bool:
    j = i - 1
    while j >= 0 and (tokens[j].low in {"also", "still", "now", "not", "already", "reportedly"}):
        j -= 1
    return j >= 0 and tokens[j].low in {"is", "are", "was", "were", "been", "be", "’s", "'s"}


def _sourceless_candidate(tokens: list[Token], i: int) -> Candidate | None:
    """Reports whose source goes unnamed: "is expected to", "seemed to", "was asked about"."""
    low = tokens[i].low
    nxt = _next_words(tokens, i, 1)
    if low == "expected" and _is_passive(tokens, i) and nxt == ["to"]:
        return Candidate("expectation", (i, i + 1), None)
    if low in EVIDENTIAL and nxt and nxt[0] in {"to", "that"}:
        subject = subject_before(tokens, i)  # "Rubio seemed to urge …"; not "It seems that …"
        if subject is not None and (
            tokens[subject[0]].low in {"it", "there", "this", "that"}
            or not may_start_subject(tokens, subject[0])
        ):
            subject = None
        return Candidate("evidential", (i, i + 1), subject)
    if low in HEDGES and not tokens[i].quoted:
        return Candidate("hedge", (i, i + 1), None)
    document = _document_phrase(tokens, i) if low == "in" else None
    if document is not None:
        # "In an interview with CNN, Trump continued …": Trump speaks, in the interview
        main = sentence_subject(tokens[document[1] + 1 :])
        spoken = any(t.low in SPOKEN_DOCS for t in tokens[document[0] : document[1]])
        if spoken and main is not None and main[0] == 0 and tokens[document[1] + main[1]].is_cap:
            subject = (document[1] + 1 + main[0], document[1] + 1 + main[1])
            return Candidate("in_document", (i, i + 1), subject)
        return Candidate("in_document", (i, i + 1), document)
    if low == "asked" and _is_passive(tokens, i) and nxt and nxt[0] in ASKED_NEXT:
        agent = np_after(tokens, i + 2) if nxt == ["by"] else None
        return Candidate("asked", (i, i + 1), agent)
    return None


def _document_phrase(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """ "In a Fox poll, …", "In his statement, …": the document a sentence reports from."""
    if i != _first_word(tokens):
        return None
    span = np_after(tokens, i + 1)
    if span is None or span[1] >= len(tokens) or tokens[span[1]].text != ",":
        return None
    heads = [t.low for t in tokens[span[0] : span[1]]]
    if not any(h in DOC_HEADS for h in heads) or any(h in TIME_HEADS for h in heads):
        return None
    return span


def _noun_candidate(tokens: list[Token], i: int) -> Candidate | None:
    """ "Trump's claim that …", "her criticism of": the possessor is the source."""
    low = tokens[i].low
    if (
        i == 0
        or not tokens[i - 1].low.endswith(("’s", "'s"))
        or low not in NOUN_CUES | STRONG_NOUN_CUES
    ):
        return None
    if low not in STRONG_NOUN_CUES and _next_words(tokens, i, 1) != ["that"]:
        return None
    s = i - 1  # the possessor is the name just before: "Donald Trump's proposal"
    while s > 0 and tokens[s - 1].is_cap and tokens[s - 1].low not in FUNCTION_WORDS:
        s -= 1
    if not tokens[i - 1].is_cap:
        return None
    return Candidate("noun_cue", (i, i + 1), (s, i))


def _participle_position(tokens: list[Token], i: int) -> bool:
    """ ", saying …", "by arguing …", or a sentence opening "Calling the plan …"."""
    if i == _first_word(tokens):
        return True
    prev = tokens[i - 1]
    return prev.text in {",", "—", "–"} or prev.low in PARTICIPLE_LEADS


def _gerund_reports(tokens: list[Token], i: int) -> bool:
    nxt = _next_words(tokens, i, 1)
    if not nxt or nxt[0] not in GERUND_STOPS:
        return True
    return tokens[i].low in GERUND_WITH_PREPOSITION or (
        tokens[i].low == "calling" and nxt[0] == "on"
    )


def _next_words(tokens: list[Token], i: int, n: int) -> list[str]:
    return [t.low for t in tokens[i + 1 : i + 1 + n]]


def _quoted_as_saying(tokens: list[Token], i: int) -> Candidate | None:
    subject = subject_before(tokens, i)
    via = None
    if _next_words(tokens, i + 2, 1) == ["by"]:
        via = np_after(tokens, i + 4)
    return Candidate("quoted_as_saying", (i, i + 3), subject, via) if subject else None


def _verb_candidate(tokens: list[Token], i: int) -> Candidate | None:
    low = tokens[i].low
    capitalised = tokens[i].is_cap and i > _first_word(tokens) and not _title_case(tokens)
    if capitalised or _is_passive(tokens, i):
        return None
    rule = "subject_cue" if low in SPEECH_FINITE or low in SPEECH_GERUND else "belief_cue"
    subject = subject_before(tokens, i)
    inverted = False
    if subject is None and lemma_of(low) in INVERTIBLE and _inversion_allowed(tokens, i):
        subject = subject_after(tokens, i)
        inverted = subject is not None
    if subject is None or not _bare_form_fits(tokens, i, subject):
        return None
    required = _next_word_fits(tokens, i)
    if required is False or not _object_fits(tokens, i):
        return None
    if not required and _ambiguous_form(low) and not _reports(tokens, i, subject, inverted):
        return None
    trailing = not inverted and _follows_comma(tokens, subject[0]) and _ends_sentence(tokens, i)
    return Candidate("inverted_cue" if inverted else rule, (i, i + 1), subject, trailing=trailing)


def _reports(tokens: list[Token], i: int, subject: tuple[int, int], inverted: bool) -> bool:
    """Whether an ambiguous form ("calls", "shows", "claims") is used as a reporting verb here."""
    low = tokens[i].low
    if (low == lemma_of(low) or low.endswith("s")) and not may_start_subject(tokens, subject[0]):
        return False  # "of Democratic claims", "in caucus states"
    head = tokens[subject[1] - 1]
    if lemma_of(low) in EVIDENCE_VERBS and (head.low in DOC_HEADS | ORG_HEADS or head.is_cap):
        return True  # "the new poll shows …", "The Washington Times reports …"
    return (
        inverted
        or _after_quote(tokens, subject[0])
        or _has_complement(tokens, i)
        or (_ends_clause(tokens, i) and _follows_comma(tokens, subject[0]))
    )


def _object_fits(tokens: list[Token], i: int) -> bool:
    """ "released a statement" reports; "released the hostages" does not."""
    if lemma_of(tokens[i].low) not in DOC_OBJECT_VERBS:
        return True
    return any(t.low in DOC_HEADS for t in tokens[i + 1 : i + 6])


def _next_word_fits(tokens: list[Token], i: int) -> bool | None:
    """True/False for verbs that need a particular next word ("declined to comment", not
    "declined 40 percent"); None for the others."""
    wanted = REQUIRED_NEXT.get(lemma_of(tokens[i].low) or "")
    if wanted is None:
        return None
    nxt = tokens[i + 1 : i + 3]
    if not nxt or nxt[0].low not in wanted:
        return False
    return nxt[0].low != "to" or (len(nxt) > 1 and nxt[1].low.isalpha())


def _bare_form_fits(tokens: list[Token], i: int, subject: tuple[int, int]) -> bool:
    """A bare "say"/"issue" reports after a modal or a plural subject, not in "a European issue"."""
    low = tokens[i].low
    if lemma_of(low) != low or low not in NEEDS_COMPLEMENT or subject[0] > i:
        return True
    if subject[0] > 0 and tokens[subject[0] - 1].low in {"has", "have", "had", "a", "the"}:
        return False  # "Russia has some say in that"
    between = tokens[subject[1] : i]
    if any(t.low in AUXILIARIES for t in between):
        return True
    head = tokens[subject[1] - 1].low
    words = [t.low for t in tokens[subject[0] : subject[1]]]
    return (
        head in PLURAL_SUBJECTS
        or "and" in words
        or (head.endswith("s") and not head.endswith(("ss", "us", "is")) and len(head) > 3)
    )


def _ambiguous_form(low: str) -> bool:
    """Forms that may be nouns or non-reporting verbs; a past tense with a subject is a report."""
    lemma = lemma_of(low)
    if lemma not in NEEDS_COMPLEMENT:
        return False
    return low == lemma or low.endswith(("s", "ing")) or low in ALWAYS_AMBIGUOUS


def _ends_clause(tokens: list[Token], i: int) -> bool:
    """Whether nothing but time words follow the cue before the clause ends ("…, he added.")."""
    k = i + 1
    while k < len(tokens) and (tokens[k].text in WEEKDAYS or tokens[k].low in TIME_WORDS):
        k += 1
    return (
        k >= len(tokens) or tokens[k].text in {",", ".", ";", "!", "?", ")"} or tokens[k].is_quote
    )


def _ends_sentence(tokens: list[Token], i: int) -> bool:
    k = i + 1
    while k < len(tokens) and (tokens[k].text in WEEKDAYS or tokens[k].low in TIME_WORDS):
        k += 1
    return k >= len(tokens) or (k == len(tokens) - 1 and not tokens[k].is_word)


def _follows_comma(tokens: list[Token], start: int) -> bool:
    return start > 0 and tokens[start - 1].text in {",", "—", "–"}


def _after_quote_candidate(tokens: list[Token], i: int) -> Candidate | None:
    """Return a cue for verbs that report only after a quote ('"Out!" the crowd yelled.')."""
    subject = subject_before(tokens, i)
    if subject is not None and _after_quote(tokens, subject[0]) and _ends_clause(tokens, i):
        return Candidate("subject_cue", (i, i + 1), subject)
    if subject is None and _inversion_allowed(tokens, i) and tokens[i - 1].is_quote:
        subject = subject_after(tokens, i)
        return Candidate("inverted_cue", (i, i + 1), subject) if subject else None
    return None


def _title_case(tokens: list[Token]) -> bool:
    """Whether a sentence is a headline in Title Case ("Trump Says He Never Pledged …")."""
    words = [t for t in tokens if t.is_word and not t.quoted and t.text.isalpha()]
    return len(words) >= 4 and sum(t.is_cap for t in words) >= 0.75 * len(words)


def _first_word(tokens: list[Token]) -> int:
    return next((k for k, t in enumerate(tokens) if t.is_word), 0)


def _after_quote(tokens: list[Token], start: int) -> bool:
    """Whether a subject follows a quotation ("…," Kirby added): the quote is what was said."""
    k = start - 1
    while k >= 0 and tokens[k].text in {",", "—", "–", "-"}:
        k -= 1
    return k >= 0 and tokens[k].is_quote


def _is_passive(tokens: list[Token], i: int) -> bool:
    j = i - 1
    while j >= 0 and tokens[j].low in {"also", "not", "widely", "often", "never", "reportedly"}:
        j -= 1
    return j >= 0 and tokens[j].low in _PASSIVE and bool(_PAST_ONLY.search(tokens[i].low))


def _has_complement(tokens: list[Token], i: int) -> bool:
    """Whether an ambiguous verb takes what reports: "that", a quote, a colon, or its own
    complement word ("accused Moscow of", "called for")."""
    extra = COMPLEMENT_WORDS.get(lemma_of(tokens[i].low) or "", set())
    for k in range(i + 1, min(len(tokens), i + 7)):
        tok = tokens[k]
        if tok.low == "that" or tok.is_open_quote or tok.text == ":" or tok.low in extra:
            return True
        quote_next = k + 1 < len(tokens) and tokens[k + 1].is_open_quote
        if tok.text in {".", ";"} or (tok.text == "," and not quote_next):
            break
    return False


def _inversion_allowed(tokens: list[Token], i: int) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1]
    return prev.text == "," or (prev.is_quote and prev.quoted)
