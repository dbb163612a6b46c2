"""The audit trail: every admin action, and every refused attempt at one, as an event of the log.

An entry is an `AUDIT_ACTION` event (no task), so it is stored with everything else, survives
restarts, and reaches `/ws/events` subscribers like any other event. Entries are recorded in one
place, the admin guard (`api.deps.require_admin`), never by hand in a route: a new admin route is
audited by asking for the guard. An entry says what (`action`, `operation`, masked `details`),
who (`actor.kind`: `token`, `loopback` or `remote`) and from where (`actor.address`,
`actor.user_agent`), and how it ended (`outcome`: `success`, `failed` or `denied`).

Reads go through the storage's unit of work (`SqlStorage.run`), newest first by `gseq`.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from venom_core.core.event_log import EventLog
from venom_core.core.masking import mask_setting, mask_text
from venom_core.core.models import Event, EventType, iso
from venom_core.storage.schema import events
from venom_core.storage.sql import SqlStorage

ActorKind = Literal["token", "loopback", "remote"]
Outcome = Literal["success", "failed", "denied"]
MAX_TEXT = 200
MAX_ITEMS = 20
MAX_DEPTH = 3
COMMIT_WAIT_S = 2.0


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asked: `token` (presented the API token), `loopback` (the local owner) or `remote`."""

    kind: ActorKind
    address: str
    user_agent: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "address": self.address, "user_agent": self.user_agent}


def summarize(value: Any, key: str = "", depth: int = 0) -> Any:
    """A request value fit for the trail: secrets masked by name and by shape, bounded in size."""
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return f"{{{len(value)} keys}}"
        return {str(k)[:MAX_TEXT]: summarize(v, str(k), depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            return f"[{len(value)} items]"
        return [summarize(v, key, depth + 1) for v in value[:MAX_ITEMS]]
    masked = mask_setting(key, value) if key else value
    if isinstance(masked, str):
        masked = mask_text(masked)
        return masked if len(masked) <= MAX_TEXT else masked[: MAX_TEXT - 1] + "…"
    return masked


async def settle(log: EventLog) -> None:
    """Wait until what was recorded is stored, but never long: an admin action (an emergency stop)
    must answer even when the disk is failing; the entry is then written when the log recovers."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(log.commit(), COMMIT_WAIT_S)


def record(log: EventLog, action: str, *, operation: str, actor: Actor, outcome: Outcome,
           status_code: int, details: dict[str, Any] | None = None, error_code: str | None = None) -> Event:
    """Append one entry (synchronous, like every append; `log.commit()` makes it durable)."""
    who = f"{actor.kind} {actor.address}".strip()
    data: dict[str, Any] = {"action": action, "operation": operation, "outcome": outcome,
                            "status_code": status_code, "actor": actor.as_dict(), "details": details or {},
                            "error_code": error_code}
    return log.append(None, EventType.AUDIT_ACTION, message=f"{action} by {who}: {outcome}", agent="Audit",
                      data=data)


def _event(row: sa.Row[Any]) -> Event:
    return Event(gseq=row.gseq, task_id=row.task_id, seq=row.seq, type=row.type,
                 timestamp=row.ts.replace(tzinfo=UTC), agent=row.agent, message=row.message or "", data=row.data or {})


def entry(event: Event) -> dict[str, Any]:
    """The read shape of one entry (`AuditEntry` in the API)."""
    d = event.data
    actor = d.get("actor") or {}
    return {"id": event.gseq, "timestamp": iso(event.timestamp), "action": d.get("action", ""),
            "operation": d.get("operation", ""), "outcome": d.get("outcome", "success"),
            "status_code": d.get("status_code"), "error_code": d.get("error_code"),
            "actor": {"kind": actor.get("kind", "remote"), "address": actor.get("address", ""),
                      "user_agent": actor.get("user_agent", "")},
            "details": d.get("details") or {}, "message": event.message}


@dataclass(slots=True)
class AuditPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


async def page(log: EventLog, storage: SqlStorage, *, limit: int, cursor: str | None = None,
               action: str | None = None, outcome: str | None = None) -> AuditPage:
    """Newest first. `cursor` is the `next_cursor` of the previous page (a gseq); ValueError if bad."""
    before = int(cursor) if cursor else None
    if before is not None and not 1 <= before < 2**63:
        raise ValueError("cursor out of range")
    await settle(log)  # what was recorded before this read is in the answer
    query = sa.select(events).where(events.c.type == EventType.AUDIT_ACTION.value)
    if before is not None:
        query = query.where(events.c.gseq < before)
    query = query.order_by(events.c.gseq.desc())

    filtered = action is not None or outcome is not None
    # Without filters one query of limit+1 rows answers; with them (fields of the JSON payload,
    # matched here so any database works) the newest entries are scanned in batches.
    batch = 500 if filtered else limit + 1

    def wanted(ev: Event) -> bool:
        return (action is None or ev.data.get("action") == action) and (
            outcome is None or ev.data.get("outcome") == outcome)

    def unit(conn: Connection) -> list[Event]:
        found: list[Event] = []
        offset = 0
        while len(found) <= limit:
            rows = conn.execute(query.limit(batch).offset(offset)).all()
            found += [ev for ev in map(_event, rows) if wanted(ev)]
            if len(rows) < batch:
                break
            offset += batch
        return found[: limit + 1]

    found = await storage.run(unit)
    more = len(found) > limit
    found = found[:limit]
    return AuditPage([entry(e) for e in found], str(found[-1].gseq) if more and found else None)

