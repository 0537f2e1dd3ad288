"""Every exception chronique raises on purpose.

    ChroniqueError
    ├── InputError            one input could not be read; the batch goes on without it
    │   ├── EmptyInputError
    │   ├── BinaryInputError
    │   ├── DecodeError
    │   ├── TooLargeError
    │   └── MalformedRecordError   a broken JSONL line, WARC record, feed or truncated .gz
    ├── PipelineError         stages that cannot run together (a requirement nobody assigns)
    ├── StoreError            the database cannot be opened, migrated or written
    ├── QueryError            a search query, question or API parameter chronique cannot use
    ├── SettingsError         a bad `chronique.toml` or `CHRONIQUE_*` value
    └── ModelNotInstalledError  a spaCy model the settings ask for is not installed

Messages name the input and say what to do next.
"""

from __future__ import annotations

__all__ = [
    "BinaryInputError",
    "ChroniqueError",
    "DecodeError",
    "EmptyInputError",
    "InputError",
    "MalformedRecordError",
    "ModelNotInstalledError",
    "PipelineError",
    "QueryError",
    "SettingsError",
    "StoreError",
    "TooLargeError",
]


class ChroniqueError(Exception):
    """Base of every error chronique raises on purpose."""


class InputError(ChroniqueError):
    """One input (a file, a record of a file) could not be read."""

    def __init__(self, source: str, reason: str, hint: str = "") -> None:
        self.source = source
        self.reason = reason
        self.hint = hint
        message = f"{source}: {reason}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class EmptyInputError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class DecodeError(InputError):
    pass


class TooLargeError(InputError):
    pass


class MalformedRecordError(InputError):
    pass


class PipelineError(ChroniqueError):
    """The stages asked for cannot run in that order."""


class StoreError(ChroniqueError):
    """The SQLite store cannot be opened, migrated or written."""


class QueryError(ChroniqueError):
    """A search query, a question or an API parameter that cannot be used as given (#6)."""


class SettingsError(ChroniqueError):
    """A setting has a value chronique cannot use."""


class ModelNotInstalledError(ChroniqueError):
    """A spaCy model is missing."""

    def __init__(self, model: str) -> None:
        self.model = model
        super().__init__(
            f"the spaCy model {model!r} is not installed: run `make install` or "
            f"`pip install {model.replace('_', '-')}`"
        )
