"""Attribution: who each sentence comes from (rule-based, no trained models)."""

from .models import Attribution
from .rules import attribute_text

__all__ = ["Attribution", "attribute_text"]
