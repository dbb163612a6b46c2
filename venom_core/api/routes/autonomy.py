"""`/api/v1/system/autonomy`: the autonomy level (0/10/20/30/40), persisted; changing it is admin-only."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from venom_core.api.deps import AdminDep
from venom_core.api.errors import error_responses
from venom_core.api.routes.orchestrator_deps import OrchestratorDep
from venom_core.orchestrator.autonomy import LEVELS, REQUIRED

router = APIRouter(prefix="/api/v1/system/autonomy", tags=["autonomy"])


class AutonomyUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    level: Literal[0, 10, 20, 30, 40]


@router.get("", responses=error_responses(503))
async def get_autonomy(orch: OrchestratorDep) -> dict[str, Any]:
    return {"status": "success", **orch.autonomy.info()}


@router.post("", responses=error_responses(403, 422, 503))
async def set_autonomy(body: AutonomyUpdate, orch: OrchestratorDep, _: AdminDep) -> dict[str, Any]:
    """Set the level; it applies to the next tool check and survives restarts."""
    return {"status": "success", **await orch.autonomy.set_level(body.level)}


@router.get("/levels")
async def levels() -> dict[str, Any]:
    return {"status": "success", "required": REQUIRED, "levels": [
        {"id": lv.id, "name": lv.name, "color": lv.color, "description": lv.description,
         "permissions": lv.permissions} for lv in LEVELS]}
