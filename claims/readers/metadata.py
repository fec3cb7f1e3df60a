"""Article metadata: parsing dates, and per-directory metadata files (`metadata.yaml`)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .errors import MetadataFileError

log = logging.getLogger(__name__)

METADATA_FILE_NAMES = ("metadata.yaml", "metadata.yml")


class FileMetadata(BaseModel):
    """What a directory's metadata file says about one of its article files (all optional)."""

    model_config = ConfigDict(extra="forbid")

    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    note: str | None = None  # free text for the human reader: where in the text the facts come from

    @field_validator("published_at", mode="before")
    @classmethod
    def _parse_date(cls, value: Any) -> datetime | None:
        return parse_datetime(value)

    @field_validator("outlet", "title", "url", "author", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str | None:
        return text_or_none(value)


def text_or_none(value: Any) -> str | None:
    """Return value as stripped text, or None when it is missing or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_datetime(value: Any) -> datetime | None:
    """Return a naive UTC datetime from a date, datetime or ISO 8601 string; raise ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        parsed = _parse_date_text(value.strip())
    else:
        raise ValueError(f"{value!r} is not a date")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _parse_date_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:  # RFC 2822, as RSS feeds and HTTP headers write dates
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{text!r} is not an ISO 8601 or RFC 2822 date") from None


def optional_datetime(value: Any, path: Path | str) -> datetime | None:
    """Return parse_datetime(value), or None with a logged warning when it is not a date."""
    try:
        return parse_datetime(value)
    except ValueError as exc:
        log.warning("%s: published_at left empty: %s", path, exc)
        return None


def is_metadata_file(path: Path) -> bool:
    return path.name in METADATA_FILE_NAMES


class MetadataFiles:
    """Loads each directory's metadata file once and looks article files up in it."""

    def __init__(self) -> None:
        self._by_dir: dict[Path, dict[str, FileMetadata]] = {}
        self.errors: list[MetadataFileError] = []

    def for_file(self, path: Path) -> FileMetadata | None:
        """Return the metadata entry for `path` in its directory's metadata file, if any."""
        directory = path.parent.resolve()
        if directory not in self._by_dir:
            self._by_dir[directory] = self._load(directory)
        return self._by_dir[directory].get(path.name)

    def _load(self, directory: Path) -> dict[str, FileMetadata]:
        for name in METADATA_FILE_NAMES:
            candidate = directory / name
            if candidate.is_file():
                try:
                    return load_metadata_file(candidate)
                except MetadataFileError as exc:
                    # A broken metadata file must not stop its articles: they go in without it.
                    log.warning("%s", exc)
                    self.errors.append(exc)
                    return {}
        return {}


def load_metadata_file(path: Path) -> dict[str, FileMetadata]:
    """Return the file name -> metadata mapping of a metadata file; raise MetadataFileError."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MetadataFileError(f"metadata file cannot be read: {exc}", path=path) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MetadataFileError("metadata file must map file names to fields", path=path)
    entries = {}
    for name, fields in data.items():
        try:
            entries[str(name)] = FileMetadata.model_validate(fields or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise MetadataFileError(f"entry {name!r} is invalid: {problems}", path=path) from exc
    return entries
