"""The decision "do these two statements make the same claim": cosine plus cheap surface signals.

A small logistic regression over `claims.pairfeatures.FEATURES` and their pairwise products,
fitted on news paraphrase pairs and same-article statement pairs and committed as data in
`claims/calibration.json`. Refit with `python -m claims.evaluation.calibrate` (see that module).

`ClaimDecision` is the one decision clustering makes and `claimtrack eval pairs` measures: a pair
is the same claim when its score reaches one threshold (the calibrated operating point unless the
`claim_threshold` setting overrides it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claims.cluster import CosineScorer, PairScorer
from claims.errors import SettingsError
from claims.flags import amounts
from claims.ids import text_hash
from claims.numbers import amounts_close, quantities_conflict
from claims.pairfeatures import FEATURES, pair_features, with_interactions

if TYPE_CHECKING:
    from claims.settings import Settings

# Cosine below which two mentions are never compared: the candidate search's floor. Pairs under
# it are "different" without asking the scorer (0.6 % of MRPC paraphrases lie there).
CANDIDATE_FLOOR = 0.5

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Calibration:
    """Fitted logistic-regression weights over standardised features, and the operating point."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    cosine_threshold: float
    meta: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        """Return the calibration stored in a dict (the JSON file's content)."""
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            cosine_threshold=float(data["cosine_threshold"]),
            meta=dict(data.get("meta", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of this calibration."""
        return {
            "features": list(self.features),
            "mean": [round(float(x), 8) for x in self.mean],
            "scale": [round(float(x), 8) for x in self.scale],
            "weights": [round(float(x), 8) for x in self.weights],
            "bias": round(self.bias, 8),
            "threshold": round(self.threshold, 6),
            "cosine_threshold": round(self.cosine_threshold, 6),
            "meta": self.meta,
        }

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Return the model's probability of "same claim" for each row of `FEATURES` values."""
        expanded = with_interactions(features)
        z = ((expanded - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    """Return the calibration in `path`; SettingsError if missing or fit on other features."""
    try:
        calibration = Calibration.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise SettingsError(f"cannot read equivalence calibration: {exc}", path=path) from exc
    if calibration.features != FEATURES:
        raise SettingsError("calibration was fit on other features: refit it", path=path)
    return calibration


class EquivalenceScorer:
    """Scores pairs of statements in [0, 1]; `threshold` is the pipeline's operating point."""

    def __init__(self, calibration: Calibration | None = None) -> None:
        self.calibration = calibration or load_calibration()
        self.threshold = self.calibration.threshold
        self.cosine_threshold = self.calibration.cosine_threshold

    def score(
        self, texts_a: Sequence[str], texts_b: Sequence[str], cosines: np.ndarray
    ) -> np.ndarray:
        """Return the probability-like score that each (a, b) pair states the same claim."""
        if len(texts_a) == 0:
            return np.zeros(0, dtype=np.float64)
        return self.calibration.probability(pair_features(texts_a, texts_b, cosines))

    def equivalent(
        self, texts_a: Sequence[str], texts_b: Sequence[str], cosines: np.ndarray
    ) -> np.ndarray:
        """Return a bool array: True where the pair's score reaches the operating point."""
        return self.score(texts_a, texts_b, cosines) >= self.threshold


@dataclass(frozen=True)
class ClaimDecision:
    """The pipeline's decision "same claim": a decision score compared with one threshold.

    The decision score is 1 for identical texts (after normalisation), 0 under the candidate
    floor (the search never offers such pairs), else the scorer's score; a pair that misses the
    threshold while the texts dispute an amount (`amounts_disputed`) is scored again with the
    amounts masked and keeps the better score, because a disputed number is a `numbers_differ`
    flag, not a second claim.
    """

    scorer: PairScorer
    threshold: float
    cosine_floor: float = CANDIDATE_FLOOR

    def scores(
        self,
        texts_a: Sequence[str],
        texts_b: Sequence[str],
        cosines: np.ndarray,
        identical: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return the decision score of each (a, b) pair.

        `identical` (optional) says which pairs have equal `ids.text_hash`; callers holding the
        hashes pass it so they are not computed again.
        """
        cosines = np.asarray(cosines, dtype=np.float64)
        if identical is None:
            identical = np.array(
                [text_hash(a) == text_hash(b) for a, b in zip(texts_a, texts_b, strict=True)],
                dtype=bool,
            )
        identical = np.asarray(identical, dtype=bool)
        out = np.where(identical, 1.0, 0.0)
        todo = np.flatnonzero((cosines >= self.cosine_floor) & ~identical)
        if len(todo):
            a = [texts_a[i] for i in todo.tolist()]
            b = [texts_b[i] for i in todo.tolist()]
            out[todo] = self._scored(a, b, cosines[todo])
        return out

    def same(self, scores: np.ndarray) -> np.ndarray:
        """Return a bool per pair: its decision score reaches the threshold."""
        return np.asarray(scores) >= self.threshold

    def _scored(self, a: list[str], b: list[str], cosines: np.ndarray) -> np.ndarray:
        """Return the scorer's scores, retrying misses that dispute an amount with it masked."""
        scores = np.asarray(self.scorer.score(a, b, cosines), dtype=np.float64)
        missed = np.flatnonzero(scores < self.threshold).tolist()
        retry = [i for i in missed if amounts_disputed(a[i], b[i])]
        if retry:
            again = self.scorer.score(
                [scoring_text(a[i]) for i in retry],
                [scoring_text(b[i]) for i in retry],
                cosines[retry],
            )
            scores[retry] = np.maximum(scores[retry], again)
        return scores


def amounts_disputed(a: str, b: str) -> bool:
    """Return whether two texts give different amounts of the same thing, within a factor of 2.

    "275,000 civilians" vs "a quarter-of-a-million civilians" is one claim told two ways. A wider
    gap ("5 %" vs "50 %") is usually a different statement; on MRPC, masking every amount instead
    of only these costs about 0.005 F1 (more different-number pairs merged).
    """
    if not amounts(a) or not amounts(b):
        return False
    conflicts = quantities_conflict(list(amounts(a)), list(amounts(b)))
    return bool(conflicts) and all(amounts_close(qa, qb) for qa, qb in conflicts)


@lru_cache(maxsize=65536)
def scoring_text(text: str) -> str:
    """Return text with each stated amount replaced by 'some', for the equivalence scorer.

    Whether two mentions state the same thing and whether their amounts agree are separate
    questions: "275,000 civilians are trapped" and "a quarter-of-a-million civilians are trapped"
    are one claim with a `numbers_differ` flag, not two claims. Dates are left alone (a truce on
    12 September is not one on 19 September).
    """
    out, end = [], len(text)
    for q in sorted(amounts(text), key=lambda q: q.start, reverse=True):
        if q.end <= end:
            out.append(text[q.end : end])
            out.append("some")
            end = q.start
    out.append(text[:end])
    return "".join(reversed(out))


def default_scorer() -> PairScorer:
    """Return the calibrated equivalence scorer, or cosine alone if its calibration is unusable
    (logged: the pipeline keeps working on a broken install, visibly)."""
    try:
        return EquivalenceScorer()
    except SettingsError as exc:
        log.warning("no equivalence scorer (%s): deciding on cosine alone", exc)
        return CosineScorer()


def claim_decision(settings: Settings, scorer: PairScorer | None = None) -> ClaimDecision:
    """Return the clustering decision for these settings (`claim_threshold` overrides the
    calibrated operating point; the cosine fallback scorer uses its own threshold)."""
    scorer = scorer or default_scorer()
    threshold = settings.claim_threshold
    if threshold is None or isinstance(scorer, CosineScorer):
        threshold = float(scorer.threshold)
    return ClaimDecision(scorer, float(threshold))
