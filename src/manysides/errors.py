"""Errors of manysides.

    ManysidesError
     ├── InputError       an input (file, URL, feed, line) could not be read or holds no article
     │    └── FetchError  a URL or feed timed out or answered with an error status
     ├── ModelError       a model could not be found or loaded
     └── StoreError       the database could not be opened or written
"""


class ManysidesError(Exception):
    """Base class: every error manysides raises on purpose."""


class InputError(ManysidesError):
    """An input could not be ingested; the message says why (the input is named by the caller)."""


class FetchError(InputError):
    """A URL or feed could not be fetched (time-out, connection error, error status).

    ``status``: the HTTP status the server answered with, when it answered.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ModelError(ManysidesError):
    """A model could not be found or loaded."""


class StoreError(ManysidesError):
    """The store could not be opened or written."""
