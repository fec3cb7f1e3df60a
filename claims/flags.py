"""Fact-check flags of a claim: where its mentions disagree, and which mentions do.

- `numbers_differ`: two mentions state different amounts for the same thing;
- `speakers_differ`: outlets attribute the claim to different (named) speakers;
- `attribution_dropped`: one outlet attributes it, another states it as fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

from .mentions import has_own_attribution, may_state_number

ATTRIBUTED_KINDS = frozenset({"direct", "partial", "indirect", "according_to"})
# Only people are compared: organisations go by many names ("Washington", "the US", "the White
# House") and "Moscow" vs its spokeswoman is no contradiction.
NAMED_SPEAKER_TYPES = frozenset({"person"})
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Titles dropped before comparing speaker names ("Mr. Kirby" is "John Kirby").
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sir", "president", "secretary", "minister"})


@dataclass(frozen=True)
class MemberFacts:
    """One mention of a claim as the flags see it."""

    mention_id: str
    outlet: str
    text: str
    mention_kind: str
    attribution_kind: str | None
    speaker: str | None
    speaker_type: str | None
    quoted: bool

    def attributed(self) -> bool:
        """Return whether the outlet presents this text as someone's statement."""
        if self.quoted:
            return True
        return self.attribution_kind in ATTRIBUTED_KINDS and has_own_attribution(self.mention_kind)

    def stated_as_fact(self) -> bool:
        """Return whether the outlet states this text in its own voice."""
        return self.attribution_kind == "unattributed" and not self.quoted


@dataclass(frozen=True)
class Flag:
    """A flag on a claim: its name, the disagreeing mentions, and a sentence saying how."""

    flag: str
    mention_ids: list[str]
    detail: str


def claim_flags(members: Sequence[MemberFacts]) -> list[Flag]:
    """Return the flags raised by a claim's mentions (empty when they agree)."""
    found = [numbers_differ(members), speakers_differ(members), attribution_dropped(members)]
    return [flag for flag in found if flag is not None]


@lru_cache(maxsize=65536)
def amounts(text: str) -> tuple[Any, ...]:
    """Return the amounts a text states (parsed once per distinct text)."""
    from .numbers import extract_quantities

    return tuple(extract_quantities(text)) if may_state_number(text) else ()


def numbers_differ(members: Sequence[MemberFacts]) -> Flag | None:
    """Return a flag when two mentions state different amounts for the same thing."""
    from .numbers import quantities_conflict

    ids: set[str] = set()
    details: list[str] = []
    counted = [m for m in members if amounts(m.text)]
    for a, b in combinations(counted, 2):
        conflicts = quantities_conflict(list(amounts(a.text)), list(amounts(b.text)))
        if not conflicts:
            continue
        ids.update((a.mention_id, b.mention_id))
        for qa, qb in conflicts:
            line = f"{_describe(qa)} ({a.outlet}) vs {_describe(qb)} ({b.outlet})"
            if line not in details:
                details.append(line)
    if not ids:
        return None
    return Flag("numbers_differ", sorted(ids), "; ".join(details))


def _describe(quantity: Any) -> str:
    describe = getattr(quantity, "describe", None)
    return describe() if callable(describe) else str(quantity)


def speaker_key(name: str) -> frozenset[str]:
    """Return the name's words without titles, case-folded ('Mr. Kirby' -> {'kirby'})."""
    words = {w.casefold().rstrip(".") for w in _NAME_WORD.findall(name)}
    return frozenset(words - _TITLES)


def same_speaker(a: str, b: str) -> bool:
    """Return whether two names can be one speaker: one's words are all in the other's."""
    ka, kb = speaker_key(a), speaker_key(b)
    return bool(ka and kb) and (ka <= kb or kb <= ka)


def speakers_differ(members: Sequence[MemberFacts]) -> Flag | None:
    """Return a flag when outlets attribute the claim to people who cannot be the same person."""
    named = [
        m for m in members if m.attributed() and m.speaker and m.speaker_type in NAMED_SPEAKER_TYPES
    ]
    ids: set[str] = set()
    pairs: list[str] = []
    for a, b in combinations(named, 2):
        if a.outlet != b.outlet and not same_speaker(a.speaker or "", b.speaker or ""):
            ids.update((a.mention_id, b.mention_id))
            line = f"{a.speaker} ({a.outlet}) vs {b.speaker} ({b.outlet})"
            if line not in pairs:
                pairs.append(line)
    if not ids:
        return None
    return Flag("speakers_differ", sorted(ids), "; ".join(pairs))


def attribution_dropped(members: Sequence[MemberFacts]) -> Flag | None:
    """Return a flag when one outlet attributes the claim and another states it as fact."""
    attributed = [m for m in members if m.attributed()]
    facts = [m for m in members if m.stated_as_fact()]
    attributed_outlets = {m.outlet for m in attributed}
    fact_outlets = {m.outlet for m in facts} - attributed_outlets
    if not attributed or not fact_outlets:
        return None
    facts = [m for m in facts if m.outlet in fact_outlets]
    who = sorted({f"{m.speaker or 'a source'} ({m.outlet})" for m in attributed})
    detail = f"attributed to {', '.join(who)}; stated as fact by {', '.join(sorted(fact_outlets))}"
    return Flag("attribution_dropped", sorted(m.mention_id for m in attributed + facts), detail)
