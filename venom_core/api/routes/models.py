"""`/api/v1/models`: list the models of every usable runtime, switch, and install (Ollama pull).

Install progress is published as `MODEL_INSTALL_PROGRESS` system events, so `/ws/events`
clients watch a pull without polling.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.llm_runtime import RuntimesDep, api_error
from venom_core.api.routes.providers import MODEL_PATTERN, ModelName, _not_a_path
from venom_core.api.schemas_models import InstallStarted, ModelList, ModelSwitched, model_list
from venom_core.runtimes import catalog
from venom_core.runtimes.base import RuntimeError_

router = APIRouter(prefix="/api/v1/models", tags=["models"])

MODEL_INSTALL_PROGRESS = "MODEL_INSTALL_PROGRESS"


class SwitchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1, max_length=256)
    provider: str | None = Field(default=None, max_length=64, description="Defaults to the active runtime.")
    role: str | None = Field(default=None, max_length=64)


class ModelDeleted(BaseModel):
    success: bool = True
    name: str
    provider: str


# Ollama names may carry a namespace (`user/model`), hence `:path`; never `..` or a leading slash.
ModelPath = Annotated[str, Path(min_length=1, max_length=256, pattern=MODEL_PATTERN), AfterValidator(_not_a_path)]


class InstallRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/@-]*$")


@router.get("")
async def list_models(runtimes: RuntimesDep) -> ModelList:
    """Models of every runtime that may be used now, the active one marked, plus per-runtime status."""
    return model_list(await catalog.list_models(runtimes))


@router.post("/switch", responses=error_responses(400, 403, 404, 422))
async def switch_model(body: SwitchRequest, runtimes: RuntimesDep, _: AdminDep) -> ModelSwitched:
    """Use another model on the active runtime. 404 if no runtime has it, 400 if another runtime owns it."""
    try:
        info = await catalog.switch_model(runtimes, body.name, body.provider)
    except RuntimeError_ as exc:
        raise api_error(exc) from None
    return ModelSwitched.model_validate({"active": info})


@router.post("/install", status_code=202, responses=error_responses(400, 403, 422))
async def install_model(body: InstallRequest, runtimes: RuntimesDep, services: ServicesDep,
                        _: AdminDep) -> InstallStarted:
    """Pull a model into Ollama in the background; progress events arrive on `/ws/events`."""

    def progress(data: dict[str, Any]) -> None:
        status = data.get("status", "")
        services.log.append(None, MODEL_INSTALL_PROGRESS, message=f"{data['name']}: {status}", agent="Models",
                            data=data)

    try:
        return InstallStarted.model_validate(catalog.start_install(runtimes, body.name, progress))
    except RuntimeError_ as exc:
        raise api_error(exc) from None


UPSTREAM_DOWN = ("llm_connection_error", "llm_timeout", "llm_http_error")


class UnloadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str = Field(min_length=1, max_length=64, description="The runtime holding the model (Ollama unloads).")
    name: ModelName


class ModelUnloaded(BaseModel):
    success: bool = True
    name: str
    provider: str
    loaded: bool = Field(description="Always false: the model's memory is freed; its next use loads it again.")


@router.post("/unload", response_model=ModelUnloaded, responses=error_responses(403, 404, 409, 422))
async def unload_model(body: UnloadRequest, runtimes: RuntimesDep, _: AdminDep) -> ModelUnloaded:
    """Free a model's memory now (Ollama's unload). 409 `unload_not_supported` for other runtimes,
    404 when Ollama does not have the model, 409 with the runtime's code when it cannot be reached."""
    try:
        return ModelUnloaded.model_validate(await catalog.unload_model(runtimes, body.provider, body.name))
    except RuntimeError_ as exc:
        if exc.code in (*UPSTREAM_DOWN, "unload_not_supported"):
            raise ApiError(409, exc.code, exc.message) from None
        if exc.code == "unknown_provider":  # a field of the body, not a resource of the path
            raise ApiError(422, exc.code, exc.message) from None
        raise api_error(exc) from None


@router.delete("/{name:path}", response_model=ModelDeleted, responses=error_responses(400, 403, 404, 409, 422))
async def delete_model(name: ModelPath, runtimes: RuntimesDep, _: AdminDep) -> ModelDeleted:
    """Remove a model from Ollama. 409 `model_active` for the Ollama runtime's own model, 404 when
    Ollama does not have it, 409 with the runtime's code when Ollama cannot be reached."""
    try:
        return ModelDeleted.model_validate(await catalog.delete_model(runtimes, name))
    except RuntimeError_ as exc:
        if exc.code in UPSTREAM_DOWN:  # Ollama's state, not a fault of this server (as /providers/connect)
            raise ApiError(409, exc.code, exc.message) from None
        raise api_error(exc) from None
