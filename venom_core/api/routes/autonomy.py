"""`/api/v1/system/autonomy`: the autonomy level (0/10/20/30/40), persisted; changing it is admin-only."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from venom_core.api.deps import AdminDep, AutonomyDep
from venom_core.api.errors import error_responses
from venom_core.orchestrator.autonomy import LEVELS, REQUIRED

router = APIRouter(prefix="/api/v1/system/autonomy", tags=["autonomy"])


AutonomyLevel = Literal[0, 10, 20, 30, 40]
# How much can go wrong at each level, under the reference client's field name `risk_level`.
RISK = {0: "low", 10: "low", 20: "medium", 30: "high", 40: "critical"}


class AutonomyInfo(BaseModel):
    status: Literal["success"] = "success"
    current_level: AutonomyLevel
    current_level_name: str
    risk_level: Literal["low", "medium", "high", "critical"]
    color: str
    description: str
    permissions: dict[str, bool] = Field(description="Permission -> granted at this level.")


class LevelView(BaseModel):
    id: AutonomyLevel
    name: str
    color: str
    description: str
    permissions: dict[str, bool]


class AutonomyLevels(BaseModel):
    status: Literal["success"] = "success"
    required: dict[str, int] = Field(description="Permission -> the lowest level that grants it.")
    levels: list[LevelView]


def _info(info: dict[str, Any]) -> AutonomyInfo:
    return AutonomyInfo.model_validate({**info, "risk_level": RISK[info["current_level"]]})


class AutonomyUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    level: AutonomyLevel


@router.get("", responses=error_responses(503))
async def get_autonomy(gate: AutonomyDep) -> AutonomyInfo:
    return _info(gate.info())


@router.post("", responses=error_responses(403, 422, 503))
async def set_autonomy(body: AutonomyUpdate, gate: AutonomyDep, _: AdminDep) -> AutonomyInfo:
    """Set the level; it applies to the next tool check and survives restarts."""
    return _info(await gate.set_level(body.level))


@router.get("/levels")
async def levels() -> AutonomyLevels:
    return AutonomyLevels.model_validate({"required": REQUIRED, "levels": [
        {"id": lv.id, "name": lv.name, "color": lv.color, "description": lv.description,
         "permissions": lv.permissions} for lv in LEVELS]})
