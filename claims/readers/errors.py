"""Ingest errors, one class per kind of bad input; all terminal (retrying cannot help)."""

from __future__ import annotations

from pathlib import Path

from ..errors import IngestError


class InputError(IngestError):
    """A file, or one line of it, that cannot become an article; `line_no` is set for JSON Lines."""

    def __init__(self, reason: str, *, path: Path | str | None = None, line_no: int | None = None):
        self.line_no = line_no
        where = f"{path}:{line_no}" if path is not None and line_no is not None else path
        super().__init__(reason, path=where)
        self.path = str(path) if path is not None else None


class MissingFileError(InputError):
    """The path does not exist or cannot be read."""


class EmptyFileError(InputError):
    """The file holds no text."""


class BinaryFileError(InputError):
    """The file is binary (NUL bytes, a known binary signature, or undecodable junk)."""


class FileTooLargeError(InputError):
    """The file, or the text of one article, is larger than the configured limit."""


class FrontMatterError(InputError):
    """YAML front matter that cannot be read."""


class JsonLineError(InputError):
    """A JSON Lines line (or JSON document) that is not an article object."""


class MetadataFileError(InputError):
    """A directory's metadata file that cannot be read."""


class NoArticleTextError(InputError):
    """An HTML page from which no article text could be extracted."""


class NoSentencesError(InputError):
    """An article whose cleaned body has no sentences left."""
