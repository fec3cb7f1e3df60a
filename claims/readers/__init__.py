"""Readers: turn article files of every supported format into `ArticleInput` records."""

from __future__ import annotations

from .decode import decode_bytes, read_bytes
from .errors import (
    BinaryFileError,
    EmptyFileError,
    FileTooLargeError,
    FrontMatterError,
    InputError,
    JsonLineError,
    MetadataFileError,
    MissingFileError,
    NoArticleTextError,
    NoSentencesError,
)
from .formats import read_articles, sniff_format, title_from_text
from .metadata import FileMetadata, MetadataFiles, is_metadata_file, parse_datetime

__all__ = [
    "BinaryFileError",
    "EmptyFileError",
    "FileMetadata",
    "FileTooLargeError",
    "FrontMatterError",
    "InputError",
    "JsonLineError",
    "MetadataFileError",
    "MetadataFiles",
    "MissingFileError",
    "NoArticleTextError",
    "NoSentencesError",
    "decode_bytes",
    "is_metadata_file",
    "parse_datetime",
    "read_articles",
    "read_bytes",
    "sniff_format",
    "title_from_text",
]
