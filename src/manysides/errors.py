"""Errors of manysides.

    ManysidesError       exit status 1: an operation failed
     ├── InputError       an input (file, URL, feed, line) could not be read or holds no article
     │    └── FetchError  a URL or feed timed out or answered with an error status
     ├── StoreError       the database could not be opened or written
     └── ConfigError      exit status 2: a setting or option is wrong (usage, configuration)
          └── ModelError  a model could not be found or loaded

The command line prints any of them as one line on stderr (``Error: <message>``) and exits with
the error's ``exit_code``; a library caller catches ``ManysidesError``.
"""

from __future__ import annotations

from typing import ClassVar


class ManysidesError(Exception):
    """Base class: every error manysides raises on purpose."""

    exit_code: ClassVar[int] = 1

    def one_line(self) -> str:
        """The message on one line (what the command line prints)."""
        return " ".join(str(self).split()) or type(self).__name__


class InputError(ManysidesError):
    """An input could not be ingested; the message says why (the input is named by the caller)."""


class FetchError(InputError):
    """A URL or feed could not be fetched (time-out, connection error, error status).

    ``status``: the HTTP status the server answered with, when it answered.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class StoreError(ManysidesError):
    """The store could not be opened or written."""


class ConfigError(ManysidesError):
    """A setting, option or environment variable names something that does not work."""

    exit_code: ClassVar[int] = 2


class ModelError(ConfigError):
    """A model could not be found or loaded (the setting that names it is in the message)."""
