"""`/api/v1/system/llm-runtime/*`: which runtime is active, what can be chosen, and switching.

Also home of the helpers the other runtime routes share: the registry dependency and the
mapping of `RuntimeError_` codes to HTTP statuses.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import HTTPConnection

from venom_core.api.deps import AdminDep, ServicesDep, services_of
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.runtime_views import options_view, runtime_record, source_type, switch_gate
from venom_core.api.schemas_llm import ActiveRuntimeView, RuntimeOptions, RuntimeSwitched
from venom_core.runtimes import catalog
from venom_core.runtimes.base import RuntimeError_
from venom_core.runtimes.registry import RuntimeRegistry

router = APIRouter(prefix="/api/v1/system/llm-runtime", tags=["llm"])

STATUS_BY_CODE = {
    "unknown_provider": 404,
    "model_not_found": 404,
    "model_active": 409,
    "model_incompatible": 400,
    "provider_unavailable": 400,
    "provider_not_allowed": 400,
    "sensitive_local_only": 400,
    "no_runtime": 503,
    "autonomy_denied": 403,
    "model_load_failed": 500,
}


async def get_runtimes(conn: HTTPConnection) -> RuntimeRegistry:
    return services_of(conn).runtimes


RuntimesDep = Annotated[RuntimeRegistry, Depends(get_runtimes)]


def api_error(exc: RuntimeError_) -> ApiError:
    return ApiError(STATUS_BY_CODE.get(exc.code, 502), exc.code, exc.message)


class ActiveRuntimeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str = Field(min_length=1, max_length=64, description="embedded, ollama, openai_compatible, openai, "
                                                                  "google or anthropic")
    model: str | None = Field(default=None, min_length=1, max_length=256)


@router.get("/options", response_model=RuntimeOptions, responses=error_responses(503))
async def runtime_options(runtimes: RuntimesDep) -> RuntimeOptions:
    """Every runtime, whether it may be used now and why not, with its models: the source for UI selectors."""
    return await options_view(runtimes)


@router.get("/active", response_model=ActiveRuntimeView, responses=error_responses(503))
async def active_runtime(runtimes: RuntimesDep, services: ServicesDep) -> ActiveRuntimeView:
    """The runtime a plain request uses now (provider, model, endpoint, status, config_hash)."""
    info = runtimes.runtime_info()
    return ActiveRuntimeView.model_validate({
        **info, "status": str(info.get("status", "unknown")), "active_provider": runtimes.active,
        "runtime": runtime_record(info, runtimes.settings.AI_MODE.lower()),
        "runtime_switch_gate": switch_gate(len(services.queue.active_ids()))})


@router.post("/active", response_model=RuntimeSwitched, responses=error_responses(400, 403, 404, 422))
async def set_active_runtime(body: ActiveRuntimeRequest, runtimes: RuntimesDep, _: AdminDep) -> RuntimeSwitched:
    """Switch the active runtime (admin). 404 for an unknown runtime or model, 400 if not allowed,
    403 `autonomy_denied` for a cloud runtime the autonomy level does not grant."""
    try:
        info = await catalog.set_active(runtimes, body.provider.strip().lower(), body.model)
    except RuntimeError_ as exc:
        raise api_error(exc) from None
    return RuntimeSwitched.model_validate({
        **info, "status": "success", "runtime_status": info.get("status"), "active_provider": runtimes.active,
        "success": True, "active_server": info.get("provider"), "active_model": info.get("model"),
        "active_endpoint": info.get("endpoint"), "source_type": source_type(info.get("provider"))})
