"""How an agent runs one of its tools: through the tool registry, never by calling the work itself.

The call takes the same path as the model's tool loop and `POST /api/v1/tools/{id}/invoke`
(`tools/invoker.py`): policy, autonomy, schema, timeout, and TOOL_CALL_* events on the task's
stream. A refused or failed call becomes the task's error with the tool's stable code, because an
agent's step, unlike a model's tool call, has nothing else to answer from.
"""

from __future__ import annotations

from typing import Any

from venom_core.agents.base import AgentRun
from venom_core.core.models import TaskFailure
from venom_core.tools.invoker import ToolInvoker
from venom_core.tools.spec import ToolResult


def failure(result: ToolResult) -> TaskFailure:
    return TaskFailure(result.error_code or "tool_error", result.result, stage="tool", retryable=result.retryable)


async def call_tool(tools: ToolInvoker, run: AgentRun, agent: str, name: str, arguments: dict[str, Any]) -> ToolResult:
    """One call on behalf of the task's own request (an agent does what it was asked)."""
    return await tools.call(name, arguments, task_id=run.ctx.task_id, actor=f"The {agent}'s call", requested=True)


async def use_tool(tools: ToolInvoker, run: AgentRun, agent: str, name: str,
                   arguments: dict[str, Any]) -> dict[str, Any]:
    """The tool's structured answer; any error result fails the step with the tool's code and reason."""
    result = await call_tool(tools, run, agent, name, arguments)
    if result.is_error or result.data is None:
        raise failure(result)
    return result.data
