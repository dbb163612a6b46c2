"""`GET /api/v1/models/operations`: model installs (Ollama pulls), folded from their
`MODEL_INSTALL_PROGRESS` events in the event log, newest first.

Being read from the log, the list survives a page reload and a restart. A pull runs in this
process, so one that was still running when the server stopped can never finish: it is listed as
`interrupted` (its last event is older than this boot)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from venom_core.api.deps import ServicesDep
from venom_core.api.routes.models import MODEL_INSTALL_PROGRESS
from venom_core.core import audit
from venom_core.storage.schema import events

router = APIRouter(prefix="/api/v1/models", tags=["models"])

SCAN = 5000  # progress events read; a pull sends a few hundred
# Events has no index on `type`; looking only at the newest part of the log keeps this read
# bounded on a large database (older installs drop out of the list).
WINDOW = 500_000


class ModelOperation(BaseModel):
    operation_id: str
    model_name: str
    operation_type: str = Field(description="`install` (Venom installs models with an Ollama pull).")
    provider: str
    status: str = Field(description="pending, in_progress, completed, failed or interrupted (the server "
                                    "stopped during the pull).")
    progress: float = Field(ge=0, le=100)
    message: str
    started_at: str = Field(description="Local time, ISO 8601 without an offset (as the original).")
    completed_at: str | None
    error: str | None


class ModelOperations(BaseModel):
    success: bool = True
    operations: list[ModelOperation]
    count: int


def _local(ts: datetime) -> str:
    return ts.astimezone().replace(tzinfo=None).isoformat()


def fold(rows: list[tuple[datetime, dict[str, Any]]], booted: datetime | None = None) -> list[ModelOperation]:
    """`rows` oldest first; one operation per `operation_id`. An unfinished one last heard of
    before `booted` (this process's start) is `interrupted`."""
    ops: dict[str, ModelOperation] = {}
    last_seen: dict[str, datetime] = {}
    for ts, data in rows:
        op_id = str(data.get("operation_id") or "")
        if not op_id:
            continue
        op = ops.get(op_id)
        if op is None:
            op = ops[op_id] = ModelOperation(operation_id=op_id, model_name=str(data.get("name", "")),
                                             operation_type="install", provider=str(data.get("provider", "ollama")),
                                             status="pending", progress=0, message="", started_at=_local(ts),
                                             completed_at=None, error=None)
        last_seen[op_id] = ts
        error = data.get("error")
        op.message = str(data.get("status") or op.message)
        if isinstance(data.get("percent"), int | float):
            op.progress = max(0.0, min(100.0, float(data["percent"])))
        if error:
            op.status, op.error = "failed", str(error.get("message") if isinstance(error, dict) else error)
        elif data.get("done"):
            op.status, op.progress = "completed", 100.0
        else:
            op.status = "in_progress"
        if data.get("done"):
            op.completed_at = _local(ts)
    for op_id, op in ops.items():
        if booted is not None and op.status in ("pending", "in_progress") and last_seen[op_id] < booted:
            op.status = "interrupted"
            op.error = "The server stopped during this pull; install the model again (Ollama resumes the download)."
    return sorted(ops.values(), key=lambda o: o.started_at, reverse=True)


@router.get("/operations", response_model=ModelOperations)
async def operations(services: ServicesDep, limit: Annotated[int, Query(ge=1, le=200)] = 20) -> ModelOperations:
    """Model installs with their progress, newest first."""
    await audit.settle(services.log)  # progress appended just before this read is in the answer
    query = (sa.select(events.c.ts, events.c.data).where(events.c.type == MODEL_INSTALL_PROGRESS)
             .where(events.c.gseq > services.log.last_gseq - WINDOW)
             .order_by(events.c.gseq.desc()).limit(SCAN))

    def unit(conn: Connection) -> list[tuple[datetime, dict[str, Any]]]:
        return [(row.ts.replace(tzinfo=UTC), row.data or {}) for row in conn.execute(query)]

    rows = await services.storage.run(unit)
    found = fold(list(reversed(rows)), datetime.fromtimestamp(services.started_at, UTC))[:limit]
    return ModelOperations(operations=found, count=len(found))
