"""Errors a stage raises for bad input (the agents route them to the dead-letter topic), and
the exit codes of the `newswatch` commands."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # the cluster failed the run (replay: state saved)
EXIT_USAGE = 2
EXIT_REJECTED = 3  # done, but bad input was reported and skipped
EXIT_INTERRUPTED = 130


class InvalidRecord(ValueError):
    """A record that cannot be processed. ``kind`` is a short machine-readable
    reason (``empty_body``, ``too_large``, ``schema``, ``invalid_json`` ...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class DataFileError(ValueError):
    """A rule or knowledge-base file that cannot be loaded: says file, line and reason."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
