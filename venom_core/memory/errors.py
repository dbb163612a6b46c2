"""Refusals of long-term memory edits, as `VenomError`s the API renders with their status."""

from __future__ import annotations

from venom_core.core.errors import VenomError


class MemoryEditFailed(VenomError):
    """503: the corrected text could not be embedded; the entry is unchanged."""

    status = 503

    def __init__(self) -> None:
        super().__init__("memory_embedding_failed",
                         "The corrected text could not be embedded; the entry was left unchanged. Try again.",
                         retryable=True)


class DuplicateText(VenomError):
    """409: another entry of the same session and type already holds the corrected text."""

    status = 409

    def __init__(self, existing_id: str) -> None:
        super().__init__("memory_entry_duplicate",
                         f"Another memory entry ({existing_id}) of this session and type already says this; "
                         "edit or delete that one instead.", details={"existing_id": existing_id})
        self.existing_id = existing_id
