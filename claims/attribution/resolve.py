"""Resolving a speaker phrase to whom it means: full names, pronouns, "the spokesman"."""

from __future__ import annotations

from dataclasses import dataclass, field

from .lexicon import TITLE_WORDS
from .models import Attribution
from .speakers import NameIndex, Speaker

_ROLE_DETERMINERS = {"the", "this"}
_PRONOUN_TYPES = {
    "he": {"person"},
    "she": {"person"},
    "i": {"person"},
    "it": {"organisation", "document"},
    "they": {"organisation", "anonymous"},
    "we": {"organisation", "anonymous", "person"},
    "who": {"person", "organisation", "anonymous"},
    "which": {"organisation", "document"},
}


@dataclass
class Resolved:
    name: str
    type: str
    title: str | None = None


@dataclass
class SpeakerHistory:
    """Speakers met so far in an article, newest last, for pronouns and short names."""

    names: NameIndex
    seen: list[Resolved] = field(default_factory=list)
    gender: dict[str, str] = field(default_factory=dict)

    def remember(self, att: Attribution) -> None:
        if att.speaker and att.speaker_type:
            self.seen.append(Resolved(att.speaker, att.speaker_type, att.speaker_title))

    def resolve(self, speaker: Speaker, pos: int) -> tuple[Resolved, bool]:
        """Return whom the phrase refers to, and whether that is a guess that may be wrong."""
        if speaker.pronoun:
            return self._pronoun(speaker, pos)
        if speaker.type == "person":
            name = self.names.resolve(speaker.name, pos)
            if speaker.gender:
                self.gender[name] = speaker.gender
            return Resolved(name, "person", speaker.title), False
        return Resolved(speaker.name, speaker.type, speaker.title), False

    def _pronoun(self, speaker: Speaker, pos: int) -> tuple[Resolved, bool]:
        wanted = _PRONOUN_TYPES.get(speaker.pronoun or "", set())
        for past in reversed(self.seen):
            if past.type in wanted and self._gender_fits(past.name, speaker.gender):
                return past, False
        if "person" in wanted and speaker.pronoun in {"he", "she"}:
            name = self.names.nearest_person(pos)
            if name:
                return Resolved(name, "person"), True
        return Resolved(speaker.as_written, speaker.type), True

    def _gender_fits(self, name: str, gender: str | None) -> bool:
        known = self.gender.get(name)
        return gender is None or known is None or known == gender

    def _role(self, speaker: Speaker) -> Resolved | None:
        """ "The US spokesman" after "spokesman John Kirby" is Kirby."""
        words = speaker.as_written.lower().split()
        if len(words) < 2 or words[0] not in _ROLE_DETERMINERS or speaker.head not in TITLE_WORDS:
            return None
        for past in reversed(self.seen):
            if past.type == "person" and past.title and speaker.head in past.title.lower().split():
                return past
        return None
