"""`/api/v1/tools`: the tool registry (built-in and MCP tools) and a direct call of one tool (admin)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import error_responses
from venom_core.tools.approvals import Approvals, Policy
from venom_core.tools.registry import ToolRegistry
from venom_core.tools.spec import ToolNotFound

router = APIRouter(prefix="/api/v1/tools", tags=["tools"])


async def get_registry(services: ServicesDep) -> ToolRegistry:
    return services.tools


RegistryDep = Annotated[ToolRegistry, Depends(get_registry)]


async def get_approvals(services: ServicesDep) -> Approvals:
    return services.approvals


ApprovalsDep = Annotated[Approvals, Depends(get_approvals)]


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
    policy: Literal["allow", "ask", "deny"] = Field(
        description="`allow` runs, `ask` waits for a person's approval, `deny` refuses (see PUT .../policy)")
    policy_source: Literal["set", "default"] = Field(
        description="`set` by an admin or a remembered approval; `default` from the side effect and autonomy level")


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
async def list_tools(registry: RegistryDep, approvals: ApprovalsDep) -> ToolList:
    tools = [ToolView.model_validate({**spec.public(), "policy": approvals.policy(spec),
                                      "policy_source": approvals.policy_source(spec)}) for spec in registry.list()]
    return ToolList(count=len(tools), tools=tools)


class PolicyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: Literal["allow", "ask", "deny"] | None = Field(description="None: back to the default policy")


class PolicyView(BaseModel):
    tool_id: str
    policy: Literal["allow", "ask", "deny"]
    policy_source: Literal["set", "default"]


@router.put("/{tool_id:path}/policy", response_model=PolicyView, responses=error_responses(403, 404, 422))
async def set_policy(tool_id: str, body: PolicyRequest, registry: RegistryDep, approvals: ApprovalsDep,
                     _: AdminDep) -> PolicyView:
    """Set whether the tool runs (`allow`), waits for an approval (`ask`) or is refused (`deny`)."""
    spec = registry.get(tool_id)
    if spec is None:
        raise ToolNotFound("tool_not_found", f"There is no tool '{tool_id}'. GET /api/v1/tools lists the tools.")
    policy: Policy | None = body.policy
    await approvals.set_policy(spec.id, policy)
    return PolicyView(tool_id=spec.id, policy=approvals.policy(spec), policy_source=approvals.policy_source(spec))


@router.post("/{tool_id:path}/invoke", response_model=InvokeResponse, responses=error_responses(403, 404, 409, 422))
async def invoke_tool(tool_id: str, body: InvokeRequest, registry: RegistryDep, _: AdminDep) -> InvokeResponse:
    """Run one call of the tool with the same checks, limits and events as a task's call."""
    registry.check(tool_id, body.arguments)  # a refusal raises ToolError, a VenomError with its own status
    result = await registry.invoke(tool_id, body.arguments, actor="A direct call (POST /api/v1/tools/.../invoke)")
    return InvokeResponse(result=result.result, is_error=result.is_error, duration_ms=result.duration_ms,
                          error_code=result.error_code, truncated=result.truncated, call_id=result.call_id)
