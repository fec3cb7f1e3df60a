"""The attribution record stored for every sentence (one row of store.attributions)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Kind = Literal["direct", "partial", "indirect", "according_to", "unattributed"]
SpeakerType = Literal["person", "organisation", "anonymous", "document"]


class Attribution(BaseModel):
    """Who a sentence is attributed to, how, and which rule decided (offsets into the body)."""

    kind: Kind = "unattributed"
    speaker_as_written: str | None = None
    speaker: str | None = None
    speaker_type: SpeakerType | None = None
    speaker_title: str | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    quote_start: int | None = None
    quote_end: int | None = None
    via: str | None = None
    rule: str = "no_cue"
    uncertain: bool = False

    @property
    def attributed(self) -> bool:
        """Return whether the sentence is attributed to a source other than the outlet."""
        return self.kind != "unattributed"
