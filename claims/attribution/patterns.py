"""Noun phrases around a cue: who stands before "said", after "said", after "according to"."""

from __future__ import annotations

from .grammar import (
    AFTER_PREPOSITIONS,
    AGO_WORDS,
    CLAUSE_WORDS,
    IRREGULAR_PAST,
    LINKERS,
    MAX_SUBJECT,
    NP_DETERMINERS,
    NP_PREPOSITIONS,
    OK_FUNCTION_HEADS,
    PAST_IRREGULAR,
    POSSESSIVES,
    PREPOSITIONS,
    PRONOUN_HAS,
    SKIP_BETWEEN,
    SUBORDINATORS,
    TIME_WORDS,
)
from .lexicon import (
    ANON_HEADS,
    AUXILIARIES,
    BELIEF_FINITE,
    DOC_HEADS,
    FUNCTION_WORDS,
    ORG_HEADS,
    PRONOUNS,
    SPEECH_FINITE,
    TITLE_WORDS,
    WEEKDAYS,
)
from .tokens import Token


def _clearly_verb(token: Token) -> bool:
    """A cue verb form that cannot be a noun inside a subject ("said", "added", not "report")."""
    low = token.low
    return not token.is_cap and is_cue_verb(token) and (low.endswith("ed") or low in PAST_IRREGULAR)


def is_cue_verb(token: Token) -> bool:
    return token.low in SPEECH_FINITE or token.low in BELIEF_FINITE


def acceptable_head(tokens: list[Token], s: int, e: int) -> bool:
    """Whether tokens[s:e] can be a speaker: ends in a name, pronoun or a person/document noun."""
    if e <= s:
        return False
    head = tokens[e - 1]
    low = head.low
    if low in PRONOUN_HAS:
        return e - s == 1
    if low.endswith(("’s", "'s")) or (low in FUNCTION_WORDS and low not in OK_FUNCTION_HEADS):
        return False
    if head.is_cap and head.is_word:
        return low not in {"i"} or e - s == 1
    if e - s == 1 and low in PRONOUNS:
        return low not in {"him", "her", "them"}
    if low in ANON_HEADS or low in DOC_HEADS or low in ORG_HEADS or low in TITLE_WORDS:
        return True
    return _noun_like(low) and (
        any(t.low in NP_DETERMINERS for t in tokens[s : e - 1]) or _plural_like(low)
    )


def _known_head(low: str) -> bool:
    return low in ANON_HEADS or low in DOC_HEADS or low in ORG_HEADS


def _noun_like(low: str) -> bool:
    return low.isalpha() and not low.endswith(("ed", "ing", "ly")) and low not in CLAUSE_WORDS


def _plural_like(low: str) -> bool:
    return len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is"))


def _skip_back(tokens: list[Token], j: int) -> int:
    """Skip auxiliaries, adverbs and time phrases between a subject and its verb."""
    while j >= 0:
        tok = tokens[j]
        low = tok.low
        adverb = low.endswith("ly") and not tok.is_cap and len(low) > 4
        time = tok.text in WEEKDAYS or (low in TIME_WORDS and j > 0 and _timeish(tokens, j))
        if low in SKIP_BETWEEN or adverb or time:
            j -= 1
        elif (
            low == ","
            and j >= 2
            and tokens[j - 1].low in SKIP_BETWEEN
            and tokens[j - 2].text == ","
        ):
            j -= 3
        elif low == "ago":  # "The State Department less than two weeks ago said"
            j -= 1
            while j >= 0 and (tokens[j].low in AGO_WORDS or tokens[j].low.isdigit()):
                j -= 1
        elif low == ")" and _open_paren(tokens, j) != j:  # "Rep. Gwen Moore (D-Wis.) said"
            j = _open_paren(tokens, j)
        else:
            break
    return j


def may_start_subject(tokens: list[Token], s: int) -> bool:
    """Whether a phrase at tokens[s] can be a subject, not the object of what precedes it."""
    if s == 0:
        return True
    prev = tokens[s - 1]
    low = prev.low
    if not prev.is_word or (prev.is_cap and low not in FUNCTION_WORDS):
        return True
    if low in PREPOSITIONS:
        return False
    return low in CLAUSE_WORDS or low in SUBORDINATORS or low in SKIP_BETWEEN or low in TIME_WORDS


def _open_paren(tokens: list[Token], j: int) -> int:
    """Skip "(D-Mass.)" after a name; returns the index before the parenthesis, or j if none."""
    for k in range(j - 1, max(-1, j - 8), -1):
        if tokens[k].text == "(":
            return k - 1
    return j


def _timeish(tokens: list[Token], j: int) -> bool:
    nxt = tokens[j + 1].text if j + 1 < len(tokens) else ""
    prev = tokens[j - 1].text
    return prev in WEEKDAYS or nxt in WEEKDAYS or prev.lower() in {"last", "this", "on", "next"}


def np_back(tokens: list[Token], j: int, lower_limit: int = 0) -> int:
    """Return the start index of the noun phrase ending at tokens[j] (j+1 if there is none)."""
    s = j + 1
    k = j
    while k >= lower_limit and j - k < MAX_SUBJECT:
        tok = tokens[k]
        low = tok.low
        if tok.text == ")" and k < j and _open_paren(tokens, k) != k:  # "Cummings (D-Md.)"
            k = _open_paren(tokens, k)
            continue
        if tok.quoted or not (tok.is_word or low in {"-", "&", "’s", "'s", "."}):
            break
        if tok.is_cap and low in FUNCTION_WORDS and low not in NP_DETERMINERS | PRONOUNS.keys():
            break  # "Despite …", "Therefore …" open the sentence, not the subject
        if low in PRONOUNS:
            if k == j:
                s = k
            break
        if low in POSSESSIVES:  # "her senior policy adviser"
            if k < j:
                s = k
            break
        if low in NP_PREPOSITIONS:
            if not (_cap_follows(tokens, k) or (k > 0 and _known_head(tokens[k - 1].low))):
                break
        elif low in CLAUSE_WORDS or (k != j and _clearly_verb(tok)):
            break
        if low == "and" and not (s <= j and tokens[s].is_cap and k > 0 and tokens[k - 1].is_cap):
            break
        s = k
        k -= 1
    while s <= j and (tokens[s].low in NP_PREPOSITIONS or tokens[s].low in {"and", "&", "-"}):
        s += 1
    return s


def subject_before(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """Return the token range of the subject of the cue at tokens[i], appositives included."""
    j = _skip_back(tokens, i - 1)
    if j < 0:
        return None
    if tokens[j].text in {"—", "–"}:
        j = _before_dash_aside(tokens, j)
        if j < 0:
            return None
    if tokens[j].text == ",":
        return _appositive(tokens, j)
    if tokens[j].low in {"who", "which"} or (tokens[j].low == "that" and j >= 1):
        k = j - 1 if tokens[j - 1].text != "," else j - 2
        if k < 0:
            return None
        s = np_back(tokens, k)
        return (s, k + 1) if acceptable_head(tokens, s, k + 1) else None
    if tokens[j].low in {"and", "but"} and j >= 1:
        return _coordinated(tokens, j)
    s = np_back(tokens, j)
    if not acceptable_head(tokens, s, j + 1):
        return None
    relative = _relative_antecedent(tokens, s)
    if relative is not None:
        return relative
    return _extend_over_preposition(tokens, s), j + 1


def _relative_antecedent(tokens: list[Token], s: int) -> tuple[int, int] | None:
    """ "Supporters who have heard from the campaign said": the subject is "Supporters"."""
    for w in range(s - 1, max(-1, s - 14), -1):
        tok = tokens[w]
        if tok.quoted or tok.text in {",", ".", ";", ":", "—", "–"}:
            return None
        if tok.low in {"who", "that", "which"} and w > 0:
            s0 = np_back(tokens, w - 1)
            if s0 < w and acceptable_head(tokens, s0, w) and may_start_subject(tokens, s0):
                return s0, w
            return None
    return None


def _extend_over_preposition(tokens: list[Token], s: int) -> int:
    """ "People involved in the lobbying project said": the subject starts before "in"."""
    for _ in range(2):
        if s < 2 or tokens[s - 1].low not in PREPOSITIONS or tokens[s - 1].is_cap:
            break
        s2 = np_back(tokens, s - 2)
        if s2 > s - 2 or not may_start_subject(tokens, s2):
            break
        s = s2
    return s


def _coordinated(tokens: list[Token], j: int) -> tuple[int, int] | None:
    """ "Obama met survivors … and said": the subject of the clause the "and" belongs to."""
    commas = [k for k in range(j) if tokens[k].text == "," and not tokens[k].quoted]
    if commas:
        sub = sentence_subject(tokens[commas[-1] + 1 : j])
        if sub is not None and sub[0] == 0:
            return sub[0] + commas[-1] + 1, sub[1] + commas[-1] + 1
    subject = sentence_subject(tokens)
    if subject is None or subject[1] >= j:
        return None
    return subject


def _before_dash_aside(tokens: list[Token], j: int) -> int:
    """ "Joyce — who is listed as an attorney — told": the index before the opening dash's aside."""
    for k in range(j - 1, max(-1, j - 36), -1):
        if tokens[k].text == tokens[j].text:
            return k - 1
        if tokens[k].text in {".", ";"} or tokens[k].quoted:
            break
    return -1


def _appositive(tokens: list[Token], comma: int) -> tuple[int, int] | None:
    """ "Kirby, the spokesman, said" / "Paris, who worked on the Hill, said": the whole range."""
    end2 = _before_parenthesis(tokens, comma - 1)
    s2 = np_back(tokens, end2)
    single = s2 <= end2 and acceptable_head(tokens, s2, end2 + 1)
    if single and s2 == 0:
        return s2, comma
    starts = []
    first = comma
    for _ in range(3):  # "Anderson, 21, a junior from Las Vegas, said"
        found = _previous_comma(tokens, first)
        if found is None:
            break
        first = found
        end1 = _before_parenthesis(tokens, first - 1)
        s1 = np_back(tokens, end1)
        if s1 <= end1 and acceptable_head(tokens, s1, end1 + 1) and _opens_clause(tokens, s1):
            starts.append(s1)
    # The phrase that opens the clause is the subject; later ones describe it.
    opening = [s1 for s1 in starts if s1 == 0 or tokens[s1 - 1].text != ","]
    if opening or starts:
        return (opening or starts)[-1 if opening else 0], comma
    if single and tokens[s2 - 1].text == ",":  # "…, after winning Ohio, Gov. John Kasich, said"
        return s2, comma
    return None


def _before_parenthesis(tokens: list[Token], j: int) -> int:
    """Step back over "(R-Ohio)" so the name before it ends the phrase."""
    return _open_paren(tokens, j) if j >= 0 and tokens[j].text == ")" else j


def _opens_clause(tokens: list[Token], k: int) -> bool:
    """Whether a subject at tokens[k] starts a clause (not the object of something before it)."""
    if k == 0:
        return True
    prev = tokens[k - 1]
    if prev.text in {",", ":", "(", "—", "–"} or prev.is_quote:
        return True
    return (k == 1 and prev.low in FUNCTION_WORDS) or prev.low in SUBORDINATORS


def _previous_comma(tokens: list[Token], comma: int) -> int | None:
    """Return the comma opening an appositive that ends at `comma` (no quote in between)."""
    for k in range(comma - 1, max(-1, comma - 36), -1):
        tok = tokens[k]
        # "Springfield, Va., said": an abbreviation's full stop does not end the apposition
        before = tokens[k - 1] if k > 0 else tok
        abbreviation = tok.text == "." and before.is_cap and len(before.text) <= 4
        if tok.text in {".", ";", ":", "(", ")"} and not abbreviation and not tok.quoted:
            return None
        if tok.text == ",":
            return k if comma - k > 1 else None
    return None


def subject_after(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """Return the range of an inverted subject: '"…," said Adham Sahloul of the Society.'"""
    e = _np_forward(tokens, i + 1)
    first = tokens[i + 1].low if i + 1 < len(tokens) else ""
    if e == i + 1 or first in PREPOSITIONS or first in PRONOUNS:  # not "said he"
        return None
    if not acceptable_head(tokens, i + 1, e):
        return None
    # "said another Twitter user, Johanna Bayer." - a name in apposition closes the phrase
    if e + 1 < len(tokens) and tokens[e].text == "," and tokens[e + 1].is_cap:
        e2 = _np_forward(tokens, e + 1)
        closes = e2 >= len(tokens) or tokens[e2].text in {".", ",", "!", "?"}
        if e2 > e + 1 and closes and all(t.is_cap or t.text == "." for t in tokens[e + 1 : e2]):
            e = e2
    return i + 1, e


def _np_forward(tokens: list[Token], e: int) -> int:
    start = e
    while e < len(tokens) and e - start < MAX_SUBJECT:
        tok = tokens[e]
        if tok.quoted or not (tok.is_word or tok.text in {"-", "&", "."}):
            break
        if tok.text == "." and not (e + 1 < len(tokens) and tokens[e + 1].is_cap):
            break
        if tok.low in PREPOSITIONS and not (
            tok.low in AFTER_PREPOSITIONS and _cap_follows(tokens, e)
        ):
            break
        if tok.low in CLAUSE_WORDS - AFTER_PREPOSITIONS and not (tok.is_cap and e > start):
            break
        if tok.low.endswith("ing") and not tok.is_cap:
            break
        e += 1
    return e


def _cap_follows(tokens: list[Token], k: int) -> bool:
    nxt = tokens[k + 1 : k + 3]
    if not nxt:
        return False
    return nxt[0].is_cap or (nxt[0].low in {"the", "a", "an"} and len(nxt) > 1 and nxt[1].is_cap)


def np_after(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """Return the noun phrase starting at tokens[i] ("according to [a report by Tass]")."""
    e = i
    while e < len(tokens) and e - i < 14:
        tok = tokens[e]
        if tok.quoted or not (tok.is_word or tok.text in {"-", "&", "’s", "'s"}):
            break
        if tok.low in CLAUSE_WORDS - {"for", "to"} or tok.low in {"said", "says", "told"}:
            break
        e += 1
    while e > i and tokens[e - 1].low in FUNCTION_WORDS:
        e -= 1
    return (i, e) if e > i else None


def _skip_opening_phrase(tokens: list[Token], i: int) -> int:
    """Skip what precedes a sentence's subject: "And then", "On Sunday morning", "In a
    statement,", "Later that day,", "Speaking to CBS,", a dateline "New York (AFP) –"."""
    i = _skip_dateline(tokens, i)
    for _ in range(3):
        if i >= len(tokens):
            return i
        first = tokens[i]
        if first.low in LINKERS:
            i += 1
            continue
        opener_words = NP_PREPOSITIONS | FUNCTION_WORDS | TIME_WORDS
        adverb = first.low.endswith("ly") and i + 1 < len(tokens) and tokens[i + 1].text == ","
        opens = first.low in opener_words or adverb
        gerund = first.is_cap and first.low.endswith("ing")
        if not (opens or gerund) or (first.low in NP_DETERMINERS and first.low not in TIME_WORDS):
            return i
        window = range(i + 1, min(len(tokens), i + 9))
        comma = next((k for k in window if tokens[k].text == ","), None)
        if comma is not None:
            i = comma + 1
            continue
        k = i + 1
        while k < len(tokens) and (tokens[k].text in WEEKDAYS or tokens[k].low in TIME_WORDS):
            k += 1
        return k
    return i


def _skip_dateline(tokens: list[Token], i: int) -> int:
    """ "WASHINGTON —", "New York (AFP) –": capitalised words and a dash before the story."""
    for k in range(i, min(len(tokens), i + 8)):
        tok = tokens[k]
        if tok.text in {"—", "–", "-", "―"} and k > i:
            return k + 1
        if not (tok.is_cap or tok.text in {"(", ")", ",", "."}):
            return i
    return i


def sentence_subject(tokens: list[Token]) -> tuple[int, int] | None:
    """Return the leading noun phrase of a sentence (the doer of ", saying …")."""
    i = 0
    while i < len(tokens) and (tokens[i].quoted or not tokens[i].is_word):
        i += 1
    i = _skip_opening_phrase(tokens, i)
    e = i
    while e < len(tokens) and e - i < MAX_SUBJECT:
        tok = tokens[e]
        if not (tok.is_word or tok.low in {"’s", "'s", "-", "&"}) or tok.quoted:
            break
        if not tok.is_cap and (tok.low in CLAUSE_WORDS or is_cue_verb(tok) or _verb_like(tok.low)):
            break
        if tok.low in PREPOSITIONS and (not _cap_follows(tokens, e) or _time_follows(tokens, e)):
            break
        e += 1
    while e > i and not acceptable_head(tokens, i, e):
        e -= 1
    return (i, e) if e > i else None


def _time_follows(tokens: list[Token], k: int) -> bool:
    return k + 1 < len(tokens) and tokens[k + 1].text in WEEKDAYS


def _verb_like(low: str) -> bool:
    return low.endswith("ed") or low in AUXILIARIES or low in IRREGULAR_PAST


def main_subject_after(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """For a sentence opening with "-ing …,": the subject after the comma that ends it."""
    if i != next((k for k, t in enumerate(tokens) if t.is_word), -1):
        return None
    for k in range(i + 1, min(len(tokens), i + 25)):
        if tokens[k].text == ",":
            sub = sentence_subject(tokens[k + 1 :])
            return (sub[0] + k + 1, sub[1] + k + 1) if sub else None
    return None
