"""`/api/v1/system/llm-servers`: the local model servers, which one is active, and switching.

Venom runs only the embedded model itself; Ollama and OpenAI-compatible servers are separate
processes it connects to. So `supports` says `restart` for the embedded model alone, and an
action on a server Venom does not run answers 409 `server_not_managed` instead of pretending.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path

from venom_core.api.admin_history import last_switch
from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.llm_runtime import RuntimesDep, api_error
from venom_core.api.runtime_views import active_server, servers
from venom_core.api.schemas import FORCED_PROVIDERS
from venom_core.api.schemas_llm import ActiveServer, LlmServerList, ServerAction, ServerSwitched, SetActiveServer
from venom_core.runtimes import catalog, providers
from venom_core.runtimes.base import RuntimeError_
from venom_core.runtimes.in_process import InProcessRuntime

router = APIRouter(prefix="/api/v1/system/llm-servers", tags=["llm-servers"])

ServerName = Annotated[str, Path(min_length=1, max_length=64)]


def runtime_name(given: str) -> str:
    """Our runtime name for a server name, accepting the original's (`vllm`) and the chat aliases."""
    name = given.strip().lower()
    name = FORCED_PROVIDERS.get(name, name)
    if name not in providers.PROVIDERS.names:
        raise ApiError(404, "unknown_provider", f"There is no LLM server named {given!r}; known: "
                       f"{', '.join(providers.PROVIDERS.names)}.", details={"server_name": given})
    return name


@router.get("", response_model=LlmServerList, responses=error_responses(503))
async def list_servers(runtimes: RuntimesDep) -> LlmServerList:
    """The local model servers with their status; every server but the active one is `inactive`."""
    rows = servers(runtimes)
    return LlmServerList(servers=rows, count=len(rows))


@router.get("/active", response_model=ActiveServer, responses=error_responses(503))
async def get_active(runtimes: RuntimesDep, services: ServicesDep) -> ActiveServer:
    """The runtime a plain request uses now: server, endpoint, model, config hash, and the last switch."""
    return active_server(runtimes, len(services.queue.active_ids()), await last_switch(services))


@router.post("/active", response_model=ServerSwitched, responses=error_responses(400, 403, 404, 422, 503))
async def set_active_server(body: SetActiveServer, runtimes: RuntimesDep, _: AdminDep) -> ServerSwitched:
    """Make `server_name` (and `model`, when given) the active runtime (admin)."""
    try:
        info = await catalog.set_active(runtimes, runtime_name(body.server_name), body.model)
    except RuntimeError_ as exc:
        raise api_error(exc) from None
    return ServerSwitched(active_server=info.get("provider"), active_model=info.get("model"),
                          active_endpoint=info.get("endpoint"), config_hash=info.get("config_hash"),
                          runtime_id=info.get("runtime_id"))


@router.post("/{server_name}/{action}", response_model=ServerAction,
             responses=error_responses(403, 404, 409, 422, 503))
async def server_action(server_name: ServerName, action: Literal["start", "stop", "restart"],
                        runtimes: RuntimesDep, _: AdminDep) -> ServerAction:
    """`restart` reloads the embedded model. Venom does not run the other servers, so it cannot start,
    stop or restart them: 409 `server_not_managed`."""
    name = runtime_name(server_name)
    in_process = name in providers.PROVIDERS and providers.PROVIDERS.get(name).has("load")
    if not in_process or action != "restart":
        raise ApiError(409, "server_not_managed",
                       f"Venom cannot {action} {name}: " + (
                           "its model runs inside Venom and can only be restarted (reloaded)."
                           if in_process else
                           "it is a separate server that is started and stopped outside Venom."),
                       details={"server_name": name, "action": action})
    try:
        inst = runtimes.provider(name, autoload=False)
    except RuntimeError_ as exc:  # llm_off: the embedded runtime is disabled
        raise api_error(exc) from None
    if not isinstance(inst, InProcessRuntime):  # pragma: no cover - the factory builds this class
        raise ApiError(409, "server_not_managed", f"The {name} runtime is not running in this process.")
    try:
        await inst.load(inst.model_path)
    except RuntimeError_ as exc:
        return ServerAction(status="error", action=action, server=name, message=runtimes.mask(exc.message),
                            exit_code=1)
    return ServerAction(status="success", action=action, server=name, exit_code=0,
                        message=f"The {name} model {inst.model_path.name if inst.model_path else ''} was reloaded.")
