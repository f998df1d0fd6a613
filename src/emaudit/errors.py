"""Errors a user can cause and fix. The CLI prints them as one line and exits non-zero."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in input or configuration; never shown with a traceback.

    ``str(err)`` reads ``path:line: field: message`` with whichever parts are known.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        elif self.line is not None:
            where = f"line {self.line}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class ModelError(Exception):
    """A failed model call. ``retryable`` errors are retried by the engine with backoff.

    ``kind`` says why, as stored with the error: ``timeout``, ``connection``, ``empty_reply`` (no choices,
    no message, content null), ``bad_reply`` (unreadable body, non-finite logprobs); HTTP errors go by status.
    """

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None,
                 retry_after: float | None = None, kind: str | None = None) -> None:
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.kind = kind
        super().__init__(message)


HELD_ELSEWHERE = "held_elsewhere"  # ModelError.kind: the work is leased to (or done by) another process


def error_reason(error: BaseException) -> str:
    """The short reason stored with a failed call: ``http_500``, ``timeout``, ``connection``, ..."""
    if isinstance(error, ModelError):
        if error.kind:
            return error.kind
        return f"http_{error.status}" if error.status else "model_error"
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionError):
        return "connection"
    return type(error).__name__
