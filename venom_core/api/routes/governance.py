"""`/api/v1/system/cost-mode`: whether paid (cloud) models may be used, and the AI mode.

The switch changes the running policy at once. It is not written to the configuration file: a
restart returns to `PAID_MODE_ENABLED` (change that with `POST /api/v1/config/runtime` to keep it).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from venom_core.api.deps import AdminDep
from venom_core.api.errors import error_responses
from venom_core.api.routes.llm_runtime import RuntimesDep

router = APIRouter(prefix="/api/v1/system", tags=["system"])


class CostMode(BaseModel):
    enabled: bool = Field(description="Paid mode: cloud models may be used (with a key and the AI mode).")
    provider: str = Field(description="The AI mode, lower-case: `local`, `hybrid` or `cloud`.")
    active_runtime: str | None = Field(description="The runtime a plain request uses now.")


class CostModeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enable: StrictBool


class CostModeChanged(BaseModel):
    status: str = "success"
    message: str
    enabled: bool


def _view(runtimes: RuntimesDep) -> CostMode:
    return CostMode(enabled=runtimes.policy.paid_mode, provider=runtimes.settings.AI_MODE.lower(),
                    active_runtime=runtimes.runtime_info().get("provider"))


@router.get("/cost-mode", response_model=CostMode, responses=error_responses(503))
async def get_cost_mode(runtimes: RuntimesDep) -> CostMode:
    return _view(runtimes)


@router.post("/cost-mode", response_model=CostModeChanged, responses=error_responses(403, 422, 503))
async def set_cost_mode(body: CostModeRequest, runtimes: RuntimesDep, _: AdminDep) -> CostModeChanged:
    """Turn paid mode on or off until the next restart (admin)."""
    runtimes.policy.paid_mode = body.enable
    state = "on: cloud models may be used where keys are set" if body.enable else "off: only local models are used"
    return CostModeChanged(message=f"Paid mode is {state} (until restart; PAID_MODE_ENABLED keeps it).",
                           enabled=body.enable)
