"""The decision "do these two statements make the same claim": cosine plus cheap surface signals.

A small logistic regression over `claims.pairfeatures.FEATURES` and their pairwise products
(78 weights), fitted on news
paraphrase pairs and committed as data in `claims/calibration.json`. Refit with
`python -m claims.evaluation.calibrate --mrpc PATH [--stsb PATH ...]` (see that module).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claims.errors import SettingsError
from claims.pairfeatures import FEATURES, pair_features, with_interactions

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")


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
