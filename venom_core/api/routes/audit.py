"""`/api/v1/audit`: the audit trail of admin actions, newest first, paginated like `/api/v1/tasks`.

`GET /api/v1/audit/stream` answers the same entries in the reference's shape
(`{status, count, entries[{id, timestamp, source, api_channel, action, actor, status, context, details}]}`),
so its clients keep working.

Entries are recorded by the admin guard (see `venom_core/core/audit.py`); this module only reads.
Reading the trail is itself admin-only: it names client addresses.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.core import audit

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditActor(BaseModel):
    kind: Literal["token", "loopback", "remote"]
    address: str
    user_agent: str


class AuditEntry(BaseModel):
    id: int
    timestamp: str
    action: str
    operation: str
    outcome: Literal["success", "failed", "denied"]
    status_code: int | None
    error_code: str | None
    actor: AuditActor
    details: dict[str, Any]
    message: str


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None
    count: int


@router.get("", response_model=AuditPage, responses=error_responses(400, 403, 422))
async def list_audit(
    services: ServicesDep,
    _: AdminDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=20, pattern=r"^[0-9]+$")] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    outcome: Literal["success", "failed", "denied"] | None = None,
) -> AuditPage:
    """Admin actions and refused attempts, newest first. Pass `next_cursor` back as `cursor`."""
    try:
        page = await audit.page(services.log, services.storage, limit=limit, cursor=cursor, action=action,
                                outcome=outcome)
    except ValueError:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API returned.") from None
    items: list[dict[str, Any]] = page.items
    return AuditPage(items=[AuditEntry.model_validate(i) for i in items], next_cursor=page.next_cursor,
                     count=len(items))


class StreamEntry(BaseModel):
    id: str
    timestamp: str
    source: Literal["admin"]
    api_channel: str
    action: str
    actor: str
    status: Literal["success", "warning", "failure"]
    context: str
    details: dict[str, Any]


class AuditStream(BaseModel):
    status: Literal["success"] = "success"
    count: int
    entries: list[StreamEntry]


def _reference_status(item: dict[str, Any]) -> str:
    code = item.get("status_code") or 200
    return "success" if item["outcome"] == "success" else "failure" if code >= 500 else "warning"


@router.get("/stream", responses=error_responses(403, 422))
async def audit_stream(services: ServicesDep, _: AdminDep,
                       limit: Annotated[int, Query(ge=1, le=500)] = 100) -> AuditStream:
    """The reference's audit stream view of the trail (newest first)."""
    page = await audit.page(services.log, services.storage, limit=limit)
    entries = [{"id": str(i["id"]), "timestamp": i["timestamp"], "source": "admin",
                "api_channel": i["action"].split(".", 1)[0], "action": i["action"],
                "actor": i["actor"]["address"] or i["actor"]["kind"], "status": _reference_status(i),
                "context": i["operation"], "details": {**i["details"], "actor": i["actor"], "outcome": i["outcome"],
                                                       "status_code": i["status_code"]}}
               for i in page.items]
    return AuditStream.model_validate({"count": len(entries), "entries": entries})
