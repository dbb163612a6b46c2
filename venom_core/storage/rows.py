"""Tasks and events to and from their table rows.

Timestamps are stored naive in UTC (SQLite has no time zones) and come back aware; a stored JSON
object is clamped in depth on the way out, so a row can always be served (core/json_safety.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from venom_core.core import json_safety
from venom_core.core.models import Event, Task, TaskStatus


def _naive(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts.astimezone(UTC).replace(tzinfo=None)


def _aware(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts.replace(tzinfo=UTC)


def event_from_row(row: sa.Row[Any]) -> Event:
    return Event(
        gseq=row.gseq,
        task_id=row.task_id,
        seq=row.seq,
        type=row.type,
        timestamp=row.ts.replace(tzinfo=UTC),
        agent=row.agent,
        message=row.message or "",
        data=_object(row.data),
    )


def _object(value: Any) -> dict[str, Any]:
    """A stored JSON object, clamped in depth so it can always be served."""
    value = json_safety.clamp(value)
    return value if isinstance(value, dict) else {}


def task_from_row(row: sa.Row[Any]) -> Task:
    return Task(
        id=row.id,
        content=row.content,
        status=TaskStatus(row.status),
        created_at=row.created_at.replace(tzinfo=UTC),
        updated_at=row.updated_at.replace(tzinfo=UTC),
        request=_object(row.request),
        session_id=row.session_id,
        result=row.result or "",
        logs=[str(line) for line in row.logs] if isinstance(row.logs, list) else [],
        error=_object(row.error) or None,
        context=_object(row.context),
        started_at=_aware(row.started_at),
        finished_at=_aware(row.finished_at),
        first_token_at=_aware(row.first_token_at),
        last_seq=row.last_seq,
        streamed=bool(row.streamed),
    )


def task_values(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "content": task.content,
        "status": task.status.value,
        "session_id": task.session_id,
        "created_at": _naive(task.created_at),
        "updated_at": _naive(task.updated_at),
        "started_at": _naive(task.started_at),
        "finished_at": _naive(task.finished_at),
        "first_token_at": _naive(task.first_token_at),
        "result": task.result,
        "logs": task.logs,
        "error": task.error,
        "context": task.context,
        "request": task.request,
        "last_seq": task.last_seq,
        "streamed": task.streamed,
    }


def event_values(e: Event) -> dict[str, Any]:
    return {
        "gseq": e.gseq,
        "task_id": e.task_id,
        "seq": e.seq,
        "type": e.type,
        "ts": _naive(e.timestamp),
        "agent": e.agent,
        "message": e.message,
        "data": e.data,
    }
