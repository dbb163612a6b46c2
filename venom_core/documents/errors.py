"""The one error type of document handling: a stable code, a sentence, the HTTP status."""

from __future__ import annotations

from venom_core.core.errors import VenomError


class DocumentError(VenomError):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(code, message, status=status)

    def as_dict(self) -> dict[str, str]:  # type: ignore[override]  # a document's stored error: no details
        return {"code": self.code, "message": self.message}
