"""Closed word classes the phrase rules walk over: clause openers, prepositions, time words."""

from __future__ import annotations

from .lexicon import (
    AUXILIARIES,
    PRONOUNS,
    WEEKDAYS,
    words,
)

# Words that end a subject phrase when walking back from a cue.
CLAUSE_WORDS = words(
    """
that which who whom whose because when while if as after before since so but or than where
although though whether what how why unless until once nor yet for to not also is was were are
be been being has have had do does did will would can could should may might must there here
this these those it its
"""
) - {"its", "this", "these", "those"}

NP_PREPOSITIONS = {"of", "at", "from", "for", "in", "with", "on"}

NP_INNER = {"and", "&", "-", "’s", "'s", "the", "a", "an"}

NP_DETERMINERS = {
    "the",
    "a",
    "an",
    "another",
    "this",
    "these",
    "those",
    "some",
    "its",
    "his",
    "her",
    "their",
    "our",
    "one",
    "two",
    "three",
    "four",
    "five",
    "several",
    "many",
    "most",
    "both",
    "all",
    "other",
    "few",
    "more",
    "top",
    "senior",
}

# "doesn't want", "didn’t say": contractions sit between a subject and its verb.
NEGATIONS = {
    w.replace("'", q)
    for w in words(
        "doesn't don't didn't won't wouldn't can't couldn't isn't wasn't hasn't haven't hadn't "
        "shouldn't aren't weren't"
    )
    for q in ("'", "’")
}
SKIP_BETWEEN = (
    AUXILIARIES
    | {"meanwhile", "however", "too", "instead", "though", "now"}
    | NEGATIONS
    | {"himself", "herself", "themselves", "itself", "personally"}
)

TIME_WORDS = WEEKDAYS | {
    "morning",
    "afternoon",
    "evening",
    "night",
    "week",
    "month",
    "year",
    "last",
    "this",
    "next",
    "on",
    "earlier",
    "later",
    "day",
    "weekend",
}

MAX_SUBJECT = 10

AGO_WORDS = {
    "less",
    "more",
    "than",
    "about",
    "a",
    "an",
    "few",
    "several",
    "two",
    "three",
    "four",
    "five",
    "six",
    "ten",
    "weeks",
    "week",
    "days",
    "day",
    "months",
    "month",
    "years",
    "year",
    "hours",
    "hour",
    "minutes",
    "just",
    "only",
    "some",
    "couple",
    "of",
}

PREPOSITIONS = {
    "in",
    "on",
    "at",
    "of",
    "for",
    "with",
    "from",
    "by",
    "to",
    "into",
    "about",
    "against",
    "between",
    "among",
    "through",
    "over",
    "under",
    "without",
    "within",
    "across",
    "behind",
    "toward",
    "towards",
    "near",
    "like",
    "via",
    "per",
    "onto",
}

IRREGULAR_PAST = words(
    """
spoke said told wrote took made went came gave got had saw knew thought felt held left met ran
won lost sent began brought bought built became put set cut hit let kept stood sat paid led read
heard found meant fell grew drew threw flew chose rose broke struck fought sought caught taught
spent sold shot forgot stole swore tore wore woke
"""
)

POSSESSIVES = {"his", "her", "their", "its", "our", "my", "your"}

PRONOUN_HAS = {
    "he's",
    "she's",
    "it's",
    "he’s",
    "she’s",
    "it’s",
    "they've",
    "they’ve",
    "we've",
    "we’ve",
    "i've",
    "i’ve",
}

PAST_IRREGULAR = {"said", "says", "told", "wrote", "thought", "knew", "found", "felt", "saw"}

SUBORDINATORS = {
    "as",
    "when",
    "while",
    "after",
    "because",
    "since",
    "although",
    "though",
    "if",
    "but",
    "and",
    "that",
    "before",
    "once",
    "until",
    "whereas",
}

OK_FUNCTION_HEADS = set(PRONOUNS) | {"many", "some", "most", "all", "both", "others", "few"}

AFTER_PREPOSITIONS = {"of", "for", "from", "to", "at"}

# Words that link a sentence to the one before and precede its subject ("And then Trump …").
LINKERS = {"and", "but", "so", "yet", "or", "then", "still", "also", "now", "meanwhile"}
