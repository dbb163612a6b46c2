"""The storage interface the domain depends on. Implementations: `sql.SqlStorage`.

Every operation either succeeds or raises `StorageUnavailable` for a fault of the disk or the
database (anything else is a bug)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from venom_core.core.errors import VenomError
from venom_core.core.models import Event, Task, TaskStatus


class Storage(Protocol):
    async def init(self) -> None:
        """Create or migrate the schema and open connections."""

    async def close(self) -> None: ...

    async def write_batch(self, events: Sequence[Event], tasks: Sequence[Task]) -> None:
        """Insert events and upsert task records in ONE transaction.

        A database several processes may write (PostgreSQL) numbers the events itself, in commit
        order, and sets each event's `gseq` to the stored number."""

    async def max_gseq(self) -> int: ...

    async def read_task_events(self, task_id: str, after_seq: int = 0) -> list[Event]: ...

    async def read_events(self, after_gseq: int, limit: int) -> list[Event]: ...

    async def get_task(self, task_id: str) -> Task | None: ...

    async def list_tasks(
        self,
        *,
        statuses: Sequence[TaskStatus] = (),
        session_id: str | None = None,
        limit: int = 50,
        before: tuple[str, str] | None = None,
    ) -> list[Task]:
        """Newest first. `before` is the (created_at iso, id) cursor of the last task seen."""

    async def count_tasks(self) -> dict[str, int]: ...

    async def task_timings(self) -> dict[str, float | None]:
        """Averages over finished tasks: duration and time to first token, in ms."""

    async def get_setting(self, key: str) -> Any: ...

    async def set_setting(self, key: str, value: Any) -> None: ...


class StorageUnavailable(VenomError):
    """Storage cannot do its work now: the disk is full, the database is read-only or damaged...

    `reason` is a sentence a person understands; the API answers 503 `storage_unavailable` with
    it. The condition may pass (space freed, permissions fixed): callers retry, never give up.
    """

    status = 503
    code = "storage_unavailable"
    retryable = True

    def __init__(self, reason: str):
        super().__init__(message=reason, headers={"Retry-After": "5"})
        self.reason = reason
