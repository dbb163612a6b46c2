"""`/api/v1/mcp/servers`: the MCP servers' config (the `mcpServers` JSON) and their status.

GET shows the config with secrets masked and each server's status; PUT (admin) validates the
whole config, writes the file atomically and applies it; a config that fails validation is a 422
and the file is left as it was.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.tools.mcp.config import McpConfig, keep_masked
from venom_core.tools.mcp.manager import McpManager

router = APIRouter(prefix="/api/v1/mcp/servers", tags=["mcp"])


async def get_manager(services: ServicesDep) -> McpManager:
    return services.mcp


ManagerDep = Annotated[McpManager, Depends(get_manager)]


class McpServerStatus(BaseModel):
    name: str
    transport: Literal["stdio", "http"]
    status: Literal["starting", "ready", "error", "stopped"]
    error: str | None = None
    restarts: int = 0
    tools: list[str] = Field(default_factory=list, description="Ids of the server's tools in the registry")
    server_info: dict[str, Any] = Field(default_factory=dict)
    log_file: str | None = Field(default=None, description="Where a stdio server's stderr goes")


class McpServersView(BaseModel):
    path: str = Field(description="The config file (VENOM_MCP_CONFIG)")
    config_error: str | None = Field(default=None, description="Why the file on disk could not be used")
    mcpServers: dict[str, dict[str, Any]] = Field(description="The config, secrets masked")
    servers: list[McpServerStatus]


def _view(manager: McpManager) -> McpServersView:
    return McpServersView(path=str(manager.path), config_error=manager.config_error,
                          mcpServers=manager.config.masked()["mcpServers"],
                          servers=[McpServerStatus.model_validate(v) for v in manager.view()])


@router.get("", response_model=McpServersView)
async def get_servers(manager: ManagerDep) -> McpServersView:
    return _view(manager)


@router.put("", response_model=McpServersView, responses=error_responses(403, 422))
async def put_servers(body: McpConfig, manager: ManagerDep, _: AdminDep) -> McpServersView:
    """Replace the config: new servers start, removed ones stop, changed ones restart.
    A masked value (`********`) sent back for an existing server keeps the stored secret."""
    config = keep_masked(body, manager.config)
    try:
        await manager.replace(config)
    except OSError as exc:
        raise ApiError(500, "mcp_config_unwritable",
                       f"The MCP config file {manager.path} could not be written ({exc.strerror or exc}).") from None
    return _view(manager)


@router.post("/{name}/restart", response_model=McpServersView, responses=error_responses(403, 404))
async def restart_server(name: str, manager: ManagerDep, _: AdminDep) -> McpServersView:
    if await manager.restart(name) is None:
        raise ApiError(404, "mcp_server_not_found", f"There is no running MCP server named '{name}'.")
    return _view(manager)
