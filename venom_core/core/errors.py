"""The one error base class: a stable code, a sentence a person understands, an HTTP status, and
whether trying again later may help.

Every error that reaches the API as an answer (the API's own refusals, documents, tools, storage,
config writes, memory) subclasses `VenomError`, so one exception handler renders all of them as
`{"error": {"code", "message", "details", "retryable"}}` with `status`. This module imports
nothing from Venom, so any layer may use it without an import circle.
"""

from __future__ import annotations

from typing import Any


class VenomError(Exception):
    """Subclasses set class defaults for `status`, `code` and `retryable`; instances may override them."""

    status: int = 500
    code: str = "internal_error"
    retryable: bool = False
    # Answer headers (e.g. Retry-After) and extra top-level keys of the error body.
    headers: dict[str, str] | None = None

    def __init__(self, code: str | None = None, message: str = "", *, status: int | None = None,
                 retryable: bool | None = None, details: Any = None, headers: dict[str, str] | None = None,
                 extra: dict[str, Any] | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if retryable is not None:
            self.retryable = retryable
        self.message = message
        self.details = details
        if headers is not None:
            self.headers = headers
        self.extra: dict[str, Any] = extra or {}

    def as_dict(self) -> dict[str, Any]:
        """The `error` object of the API's error envelope."""
        return {"code": self.code, "message": self.message, "details": self.details, "retryable": self.retryable}
