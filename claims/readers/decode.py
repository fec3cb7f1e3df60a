"""Reading article files as bytes and decoding them to text, refusing binary data."""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from .errors import BinaryFileError, EmptyFileError, FileTooLargeError, MissingFileError

log = logging.getLogger(__name__)

# Signatures of binary formats people drop into an article folder by mistake; naming the format
# makes the rejection reason clearer than "undecodable".
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or docx/xlsx/epub)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an MS Office document"),
    (b"\x7fELF", "an executable"),
)
_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SAMPLE = 65_536
# Unicode's control characters (category Cc) other than tab, line feed, vertical tab, form feed
# and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Fallback decodes (cp1252/latin-1) never fail, so text must also look like text: few control
# characters and mostly ASCII, as any Western-language article is.
_MAX_CONTROL_SHARE = 0.01
_MAX_NON_ASCII_SHARE = 0.3


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Return the file's bytes, refusing missing, empty and oversized files."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLargeError(
                f"file is {human_size(size)}, over the {human_size(max_bytes)} limit "
                "(CLAIMTRACK_MAX_FILE_BYTES)",
                path=path,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise MissingFileError(f"cannot read file: {exc.strerror or exc}", path=path) from exc
    if not data.strip():
        raise EmptyFileError(
            "file is empty" if not data else "file holds only whitespace", path=path
        )
    return data


def human_size(size: int) -> str:
    """Return a byte count as text: '512 bytes', '6.9 kB', '50.0 MB'."""
    if size < 1000:
        return f"{size} bytes"
    value = size / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def decode_bytes(data: bytes, path: Path | str) -> tuple[str, str]:
    """Return (text, encoding): UTF-8 (or UTF-16 with a BOM), else a fallback that reads as text."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise BinaryFileError(f"binary file ({kind}), not article text", path=path)
    if data.startswith(_UTF16_BOMS):
        return _checked(_decode(data, "utf-16"), "utf-16", path), "utf-16"
    if b"\x00" in data:
        raise BinaryFileError("binary file (contains NUL bytes), not article text", path=path)
    text = _decode(data, "utf-8-sig")
    if text is not None:
        return _checked(text, "utf-8", path), "utf-8"
    return _decode_fallback(data, path)


def _decode_fallback(data: bytes, path: Path | str) -> tuple[str, str]:
    """Return text that is not valid UTF-8: its declared charset, damaged UTF-8, cp1252, latin-1."""
    declared = declared_charset(data)
    text = _decode(data, declared) if declared else None
    if declared and text is not None and _plausible(text, check_ascii=False):
        log.warning("%s: not UTF-8; read as %s, the charset it declares", path, declared)
        return text, declared
    text = _mostly_utf8(data)
    if text is not None:
        log.warning("%s: invalid UTF-8 bytes replaced with U+FFFD", path)
        return _checked(text, "utf-8", path), "utf-8 (with replacements)"
    for encoding in ("cp1252", "latin-1"):
        text = _decode(data, encoding)
        if text is not None and _plausible(text):
            log.warning("%s: not UTF-8; read as %s", path, encoding)
            return text, encoding
    raise BinaryFileError(
        "binary file (not UTF-8 and not plausible text in cp1252/latin-1)", path=path
    )


def declared_charset(data: bytes) -> str | None:
    """Return the encoding an HTML/XML head declares (`<meta charset=...>`), if Python knows it."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _mostly_utf8(data: bytes) -> str | None:
    """Return the text of UTF-8 with a few corrupt bytes, or None when it is another encoding.

    Valid multi-byte sequences outnumbering the invalid bytes mean UTF-8 damaged in places;
    decoding it as cp1252 instead would garble every accented letter ("cafÃ©").
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    head = text[: _SAMPLE * 4]
    good = _non_ascii(head) - head.count("\ufffd")
    return text if good > bad else None


def _checked(text: str | None, encoding: str, path: Path | str) -> str:
    if text is None or not _plausible(text, check_ascii=False):
        raise BinaryFileError(
            f"binary file (decodes as {encoding} but is mostly control codes)", path=path
        )
    return text


def _plausible(text: str, check_ascii: bool = True) -> bool:
    """Return whether a sample of decoded text looks like prose rather than binary junk."""
    sample = text[:_SAMPLE]
    if not sample:
        return False
    control = len(_CONTROL.findall(sample))
    if control / len(sample) > _MAX_CONTROL_SHARE:
        return False
    return not check_ascii or _non_ascii(sample) / len(sample) <= _MAX_NON_ASCII_SHARE


def _non_ascii(text: str) -> int:
    """Return how many characters of text are outside ASCII (counted in C, not per character)."""
    return len(text) - len(text.encode("ascii", "ignore"))
