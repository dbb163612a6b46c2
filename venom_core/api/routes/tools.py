"""`/api/v1/tools`: the tool registry (built-in and MCP tools) and a direct call of one tool (admin)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import error_responses
from venom_core.tools.registry import ToolRegistry

router = APIRouter(prefix="/api/v1/tools", tags=["tools"])


async def get_registry(services: ServicesDep) -> ToolRegistry:
    return services.tools


RegistryDep = Annotated[ToolRegistry, Depends(get_registry)]


class ToolView(BaseModel):
    id: str
    function_name: str
    title: str | None = None
    description: str
    input_schema: dict[str, Any]
    source: str = Field(description="`builtin` or `mcp:<server>`")
    side_effect: Literal["read", "write", "network", "exec"]
    permission: str = Field(description="The autonomy permission the side effect needs")
    autonomy_level: int = Field(description="The lowest autonomy level at which the tool may run")
    autonomy_level_name: str
    available: bool
    unavailable_reason: str | None = None
    annotations: dict[str, Any] = Field(default_factory=dict)


class ToolList(BaseModel):
    count: int
    tools: list[ToolView]


class InvokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    arguments: dict[str, Any] = Field(default_factory=dict)


class InvokeResponse(BaseModel):
    result: str = Field(description="The tool's text (cut at VENOM_TOOL_MAX_RESULT_CHARS)")
    is_error: bool
    duration_ms: float
    error_code: str | None = Field(default=None, description="Set when Venom stopped the call (timeout, autonomy...)")
    truncated: bool = False
    call_id: str


@router.get("", response_model=ToolList)
async def list_tools(registry: RegistryDep) -> ToolList:
    tools = [ToolView.model_validate(spec.public()) for spec in registry.list()]
    return ToolList(count=len(tools), tools=tools)


@router.post("/{tool_id:path}/invoke", response_model=InvokeResponse, responses=error_responses(403, 404, 409, 422))
async def invoke_tool(tool_id: str, body: InvokeRequest, registry: RegistryDep, _: AdminDep) -> InvokeResponse:
    """Run one call of the tool with the same checks, limits and events as a task's call."""
    registry.check(tool_id, body.arguments)  # a refusal raises ToolError, a VenomError with its own status
    result = await registry.invoke(tool_id, body.arguments, actor="A direct call (POST /api/v1/tools/.../invoke)")
    return InvokeResponse(result=result.result, is_error=result.is_error, duration_ms=result.duration_ms,
                          error_code=result.error_code, truncated=result.truncated, call_id=result.call_id)
