"""`POST /api/v1/tasks/{task_id}/allow-once`: re-run a task the autonomy level refused, once, with the
level it needed granted to that run only.

A refused task is terminal (FAILED, or COMPLETED with a refused tool call), and a terminal task never
runs again (SPEC §3), so the re-run is a NEW task: the same content and options, linked back by
`request.allow_once_of`, with `request.autonomy_grant` (which only this route sets; clients cannot).
The grant is bounded by `VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL` and never reaches ROOT. The global level
does not change. It is an admin action (the same guard as raising the level), so the audit trail
records it with the new task's id and the level granted; the new task records it as an
`AUTONOMY_GRANTED` event when it starts.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from venom_core.api.deps import AdminDep, AutonomyDep, TasksDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.tasks import TaskId
from venom_core.core.models import iso
from venom_core.core.task_service import TaskNotFound
from venom_core.orchestrator.autonomy import LEVELS_BY_ID

router = APIRouter(prefix="/api/v1", tags=["tasks"])

# Request fields of the refused task that belong to that run, not to its re-run.
NOT_COPIED = ("autonomy_grant", "allow_once_of")


class AllowOnceAccepted(BaseModel):
    task_id: str = Field(description="The new task: the refused task's input, run with the grant.")
    origin_task_id: str = Field(description="The refused task it re-runs.")
    status: str
    created_at: str
    granted_level: int = Field(description="The autonomy level granted to the new task (and its sub-tasks) only.")
    granted_level_name: str
    global_level: int = Field(description="The global autonomy level, unchanged.")
    stream_url: str


def _refusal(task_context: dict[str, Any]) -> dict[str, Any] | None:
    refusal = task_context.get("autonomy_refusal")
    if isinstance(refusal, dict) and refusal.get("required_level") in LEVELS_BY_ID:
        return refusal
    return None


@router.post("/tasks/{task_id}/allow-once", status_code=201, response_model=AllowOnceAccepted,
             responses=error_responses(403, 404, 409, 503))
async def allow_once(task_id: TaskId, tasks: TasksDep, gate: AutonomyDep, http: Request,
                     _: AdminDep) -> AllowOnceAccepted:
    """Re-run a refused task once with the autonomy level it needed (admin).

    404 `task_not_found`; 409 `task_not_refused` (it was not refused by the autonomy level, or has not
    finished); 403 `allow_once_not_permitted` when the level it needs is above
    `VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL`."""
    try:
        task = await tasks.get(task_id)
    except TaskNotFound:
        raise ApiError(404, "task_not_found", f"There is no task with id {task_id}.") from None
    refusal = _refusal(task.context)
    if refusal is None or not task.terminal:
        why = ("it is still running" if refusal is not None
               else "the autonomy level did not refuse anything in it")
        raise ApiError(409, "task_not_refused", f"The task cannot be allowed once: {why}.",
                       details={"status": task.status.value})
    need: int = refusal["required_level"]
    if need > gate.allow_once_max:
        raise ApiError(
            403, "allow_once_not_permitted",
            f"The task needs autonomy level {need} ({LEVELS_BY_ID[need].name}), above the highest level that "
            f"may be allowed once ({gate.allow_once_max}, VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL). An admin can "
            "raise the autonomy level in the Config screen instead.",
            details={"required_level": need, "allow_once_max_level": gate.allow_once_max})
    request = {k: v for k, v in task.request.items() if k not in NOT_COPIED}
    request["allow_once_of"] = task.id
    request["autonomy_grant"] = {"level": need, "origin_task_id": task.id,
                                 "permission": str(refusal.get("permission") or "")}
    created = await tasks.submit(task.content, request)
    # The audit entry (written by the admin guard) names what was granted and to which new task.
    http.state.audit_details = {"granted_level": need, "new_task_id": created.id,
                                "permission": refusal.get("permission"), "global_level": gate.level}
    return AllowOnceAccepted(
        task_id=created.id, origin_task_id=task.id, status=created.status.value, created_at=iso(created.created_at),
        granted_level=need, granted_level_name=LEVELS_BY_ID[need].name, global_level=gate.level,
        stream_url=f"/api/v1/tasks/{created.id}/stream")
