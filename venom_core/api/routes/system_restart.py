"""`POST /api/v1/system/restart`: restart the backend the way it was started, so saved settings apply.

Admin-only (the same guard and audit entry as a config write). The answer (202) goes out first; then
the server shuts down as on SIGTERM (tasks in flight are left to recovery at the next start, SPEC §3)
and comes back with the same command (venom_core/lifecycle.py). A client waits for `/healthz` to
answer and `GET /api/v1/system/status` to show another `boot_id`.

Refused, so the owner is never left with a stopped server: when this process cannot bring itself
back (409 `restart_unavailable`), when the saved env file would not start (409 `restart_refused`),
or when a restart is already under way (409 `restart_in_progress`). `confirm` must be true: the
restart drops every live stream, so it is never the result of a stray request.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, BackgroundTasks
from pydantic import BaseModel, ConfigDict, Field

from venom_core import lifecycle
from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.config_store import ConfigStore

router = APIRouter(prefix="/api/v1/system", tags=["system"])


class RestartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confirm: bool = Field(description="Must be true: the restart drops every live stream and connection.")


class RestartAccepted(BaseModel):
    status: Literal["restarting"] = "restarting"
    mode: Literal["exec", "reload"] = Field(
        description="`exec`: the process re-executes its command; `reload`: the dev reloader restarts its worker.")
    boot_id: str = Field(description="This run's boot id; the restarted server has another one.")
    pending: list[str] = Field(description="The saved settings that apply after the restart.")
    message: str


@router.post("/restart", status_code=202, response_model=RestartAccepted,
             responses=error_responses(400, 403, 409))
async def restart(body: RestartRequest, services: ServicesDep, background: BackgroundTasks,
                  _: AdminDep) -> RestartAccepted:
    """Restart the backend (admin); it answers first, then stops and starts again with the same command."""
    if not body.confirm:
        raise ApiError(400, "restart_not_confirmed", "Send {\"confirm\": true} to restart the backend.")
    how = lifecycle.mode()
    if how is None:
        raise ApiError(409, "restart_unavailable",
                       "This server was not started with `python -m venom_core` (or `make start`), so it "
                       "cannot bring itself back; restart it the way it was started.")
    if lifecycle.requested():
        raise ApiError(409, "restart_in_progress", "A restart is already under way.")
    pending, problem = ConfigStore.for_settings(services.settings).pending(services.settings)
    if problem:
        raise ApiError(409, "restart_refused",
                       f"The saved settings would not start, so Venom keeps running: {problem}",
                       details={"pending_error": problem})
    background.add_task(lifecycle.request)  # after the answer has been sent
    return RestartAccepted(mode=how, boot_id=services.boot_id, pending=sorted(pending),
                           message="Venom is restarting; it answers again in a few seconds.")
