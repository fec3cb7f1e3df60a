"""The exception tree: every error says which file, what was wrong, and whether a retry can help."""

from __future__ import annotations

from pathlib import Path


class ClaimtrackError(Exception):
    """Base class for errors the CLI turns into one clear message and an exit code."""

    transient: bool = False

    def __init__(self, reason: str, *, path: Path | str | None = None) -> None:
        self.reason = reason
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class TerminalError(ClaimtrackError):
    """Retrying cannot help (bad input, bad settings)."""


class TransientError(ClaimtrackError):
    """Retrying may help (database busy, a feed timing out)."""

    transient = True


class IngestError(TerminalError):
    """One article file (or one line of it) could not be read; recorded in `ingest_errors`."""


class SchemaError(TerminalError):
    """The database file was made by newer code, or is not a claimtrack store."""


class StoreBusyError(TransientError):
    """Another process holds the write lock on the store."""


class SettingsError(TerminalError):
    """A setting has a value claimtrack cannot use."""
