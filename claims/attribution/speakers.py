"""Speaker phrases: name, title and type of "State Department spokesman John Kirby", and
resolving "Kirby", "Mr. Kirby" or "he" to the fullest name the article gives."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .lexicon import (
    ANON_HEADS,
    DOC_HEADS,
    FEMALE_WORDS,
    FUNCTION_WORDS,
    MALE_WORDS,
    ORG_HEADS,
    PLACE_ACTORS,
    PRONOUNS,
    TITLE_WORDS,
)

_NAME_TOKEN = (
    r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|[A-Z]\."
    r"|(?:al|el|bin|ibn|de|van|von|da|di|le|la)-?[A-Z][a-z]+)"
)
# Runs of capitalised words: candidate names ("John Kirby", "Sergey V. Lavrov", "Bashar al-Assad").
NAME_RUN_RE = re.compile(rf"\b{_NAME_TOKEN}(?:\s+{_NAME_TOKEN})+")
_WORD_RE = re.compile(r"[\w.’'-]+")
_DETERMINERS = {
    "the",
    "a",
    "an",
    "another",
    "this",
    "that",
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
    "several",
    "many",
}
_PARENS_RE = re.compile(r"\s*\([^)]*\)")
_MODIFIER_RE = re.compile(
    r"\s+(?:of|by|from|at|in|for|with|on|to|released|published|conducted|obtained)\s+"
)
_AFFILIATION_RE = re.compile(r"\s+(?:of|at|from|with)\s+(?=(?:the\s+)?[A-Z])")


@dataclass
class Speaker:
    """A parsed speaker phrase."""

    as_written: str
    name: str
    type: str
    title: str | None = None
    gender: str | None = None
    pronoun: str | None = None
    head: str = ""


def _plain(word: str) -> str:
    return word.lower().rstrip(",")


def _possessive_free(word: str) -> str:
    return re.sub(r"[’']s$", "", word)


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _is_title(word: str) -> bool:
    return _plain(word) in TITLE_WORDS or _plain(word).rstrip(".") in TITLE_WORDS


def _trailing_name(words: list[str]) -> int:
    """Return the index where a trailing run of name-like capitalised words begins."""
    i = len(words)
    while i > 0:
        word = words[i - 1]
        low = _plain(word)
        if not (is_capitalised(word) or low.startswith(("al-", "bin", "de", "van", "von", "el-"))):
            break
        if _is_title(word) or low in ORG_HEADS or word.endswith(("’s", "'s")):
            break
        i -= 1
    return i


def gender_of(words: list[str]) -> str | None:
    """Return 'female', 'male' or None from titles and pronouns in a phrase."""
    lows = {_plain(w) for w in words}
    if lows & FEMALE_WORDS:
        return "female"
    if lows & MALE_WORDS:
        return "male"
    return None


def parse_speaker(text: str) -> Speaker:
    """Return the name, title and type of a speaker phrase as written."""
    as_written = text.strip().strip(",").strip()
    low = re.sub(r"[’'](?:s|ve)$", "", as_written.lower())
    if low in PRONOUNS or low in {"who", "which", "that"}:
        kind = "person" if PRONOUNS.get(low) in {"male", "female", "self"} else "organisation"
        return Speaker(
            as_written, as_written, kind, gender=PRONOUNS.get(low), pronoun=low, head=low
        )
    plain = _PARENS_RE.sub("", as_written)  # "(R-Ohio)", "(D-Md.)"
    parts = [p.strip() for p in plain.split(",") if p.strip()]
    if len(parts) >= 2:
        return _parse_appositive(as_written, parts)
    speaker = _parse_simple(parts[0] if parts else as_written)
    speaker.as_written = as_written
    return speaker


def _parse_appositive(as_written: str, parts: list[str]) -> Speaker:
    """ "Kirby, the State Department spokesman" / "the deputy minister, Gennadi Gatilov"."""
    first, second = _parse_simple(parts[0]), _parse_simple(parts[1])
    if parts[1].split()[0].lower() in {"who", "which", "that", "whose"}:  # a relative clause
        return Speaker(as_written, first.name, first.type, title=first.title, head=first.head)
    person, other = (first, parts[1]) if first.type == "person" else (second, parts[0])
    if person.type != "person":
        return Speaker(as_written, first.name, first.type, title=first.title, head=first.head)
    title = " ".join(x for x in (person.title, other) if x)
    gender = person.gender or gender_of(other.split())
    return Speaker(as_written, person.name, "person", title=title, gender=gender, head=person.head)


def _parse_simple(phrase: str) -> Speaker:
    common = _common_with_modifier(phrase)
    if common is not None:
        return common
    affiliation = None
    match = _AFFILIATION_RE.search(phrase)
    if match and _trailing_name(phrase[: match.start()].split()) < len(
        phrase[: match.start()].split()
    ):
        phrase, affiliation = phrase[: match.start()], phrase[match.start() :].strip()
    words = phrase.split()
    if not words:
        return Speaker(phrase, phrase, "anonymous")
    start = _trailing_name(words)
    head = _possessive_free(words[-1]).lower().strip(".")
    prefix = [w for w in words[:start] if _plain(w) not in _DETERMINERS]
    title = " ".join(prefix + ([affiliation] if affiliation else [])) or None
    if start < len(words):
        name = " ".join(words[start:])
        kind = _name_type(words, start, prefix)
        if kind == "organisation":
            name = _org_name(words)
        return Speaker(
            phrase,
            name,
            kind,
            title=title if kind == "person" else None,
            gender=gender_of(words),
            head=head,
        )
    kind = _common_type(words, head)
    name = _org_name(words) if kind == "organisation" else phrase
    return Speaker(phrase, name, kind, title=None, head=head)


def _common_with_modifier(phrase: str) -> Speaker | None:
    """ "a report by the Tass news agency", "an official at the embassy": a common-noun head."""
    core = _MODIFIER_RE.split(phrase, maxsplit=1)[0]
    words = core.split()
    if core == phrase or not words or is_capitalised(words[-1]):
        return None
    head = _possessive_free(words[-1]).lower()
    if head not in DOC_HEADS | ORG_HEADS | ANON_HEADS | _QUANTIFIERS and not head.isdigit():
        return None
    return Speaker(phrase, phrase, _common_type(words, head), head=head)


_QUANTIFIERS = {
    "one",
    "some",
    "many",
    "most",
    "all",
    "each",
    "none",
    "several",
    "both",
    "few",
    "two",
    "three",
    "four",
    "five",
    "half",
    "majority",
    "minority",
    "number",
    "third",
}
_CONNECTORS = {"of", "for", "and", "the", "on", "de", "&", "in"}


def _org_name(words: list[str]) -> str:
    """ "the Syrian Observatory for Human Rights" -> "Syrian Observatory for Human Rights"."""
    i = len(words)
    while i > 0 and (is_capitalised(words[i - 1]) or words[i - 1].lower() in _CONNECTORS):
        i -= 1
    while i < len(words) and words[i].lower() in _CONNECTORS:
        i += 1
    return " ".join(words[i:]) or " ".join(words)


def _name_type(words: list[str], start: int, prefix: list[str]) -> str:
    """Person or organisation for a phrase ending in capitalised words."""
    name_words = words[start:]
    prefix_low = [_plain(w) for w in prefix]
    if any(w in ORG_HEADS for w in prefix_low[-2:]) and not any(_is_title(w) for w in prefix):
        return "organisation"
    if any(_is_title(w) for w in prefix) or any(w in ANON_HEADS for w in prefix_low[-1:]):
        return "person"
    if len(name_words) == 1:
        word = name_words[0]
        if word in PLACE_ACTORS or (word.isupper() and len(word) > 1):
            return "organisation"
        return "organisation" if words[0].lower() == "the" else "person"
    if words[0].lower() == "the" or len(name_words) > 3:
        return "organisation"
    return "person"


def _common_type(words: list[str], head: str) -> str:
    """Type of a phrase without a name: "the statement", "a State Department official"."""
    if head in DOC_HEADS:
        return "document"
    if head in ORG_HEADS or (head.upper() == head and len(head) > 1):
        return "organisation"
    if head in ANON_HEADS or head in TITLE_WORDS:
        return "anonymous"
    caps = [w for w in words if is_capitalised(w)]
    return "organisation" if caps and len(caps) * 2 >= len(words) else "anonymous"


@dataclass
class NameIndex:
    """Full personal names found in an article, for resolving short mentions and pronouns.

    `by_surname` maps a surname to each distinct full name and the sorted offsets where it is
    written, so a look-up costs the number of distinct names, not the number of mentions.
    """

    by_surname: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    mentions: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def build(cls, body: str) -> NameIndex:
        index = cls()
        for match in NAME_RUN_RE.finditer(body):
            words = match.group().split()
            while words and words[0].lower() in FUNCTION_WORDS:
                words = words[1:]
            # Drop the title words that precede a name ("Foreign Minister Sergei Lavrov").
            cut = max((i + 1 for i, w in enumerate(words) if _is_title(w)), default=0)
            name = words[cut:]
            if len(name) < 2 or _plain(name[-1]) in ORG_HEADS or name[-1].endswith("."):
                continue
            full = " ".join(name)
            index.by_surname.setdefault(name[-1], {}).setdefault(full, []).append(match.start())
            index.mentions.append((match.start(), full))
        return index

    def resolve(self, name: str, pos: int) -> str:
        """Return the fullest form of a name in the article, preferring mentions before `pos`."""
        words = [w for w in name.split() if not _is_title(w)]
        if not words:
            return name
        found = [
            (full, positions)
            for full, positions in self.by_surname.get(words[-1], {}).items()
            if _contains(full, words)
        ]
        if not found:
            return " ".join(words)
        scored = []
        for full, positions in found:
            k = bisect.bisect_right(positions, pos)
            before = positions[k - 1] if k else None
            # Mentions before `pos` first, then the fullest name, then the nearest mention.
            nearest = before if before is not None else -positions[0]
            scored.append((before is not None, len(full.split()), nearest, full))
        return max(scored)[3]

    def nearest_person(self, pos: int) -> str | None:
        """Return the full name mentioned last before `pos` (fallback for a pronoun)."""
        k = bisect.bisect_left(self.mentions, (pos, ""))
        return self.mentions[k - 1][1] if k else None


def _contains(full: str, words: list[str]) -> bool:
    full_words = full.split()
    return all(w in full_words for w in words)
