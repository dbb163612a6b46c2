"""The one way an agent calls a tool: the approval gate first, then `ToolRegistry.invoke`.

The model's tool loop and the agents that run tools on their own (Git, Librarian, Researcher,
Coder, Critic) call through `GatedInvoker`, so every call meets the same rules in the same order:
the tool's policy (`allow` / `ask` / `deny`, tools/approvals.py), then the registry's checks
(schema, autonomy level, timeout, result cap), and every call is TOOL_CALL_* events on the task's
stream. A call the gate refuses is recorded too (TOOL_CALL_STARTED, then TOOL_CALL_FAILED with
`tool_not_allowed`), so the trace shows what was stopped and why.

A name the registry does not hold waits first for the MCP server it belongs to, if that server is
starting (`settle`): a task re-run after a restart may ask for an MCP tool before its server is back.

`requested`: the person's own request names this operation (the router sent it to an agent whose
job is exactly that, and the orchestrator checked its autonomy permission), so a policy that is
only the default `ask` counts as answered; a policy an admin set (`deny`, `ask`) still applies.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from venom_core.tools.registry import ToolRegistry, new_call_id
from venom_core.tools.spec import ToolResult, ToolSpec

REFUSED = "tool_not_allowed"
# Waits (bounded) while the MCP server of a function name is starting (`McpManager.settle`).
Settle = Callable[[str], Awaitable[None]]


class CallGate(Protocol):
    """Decides whether a call may run (tools/approvals.py): None = run it, else the refusal."""

    async def admit(self, task_id: str, spec: ToolSpec, arguments: dict[str, Any], *,
                    requested: bool = False) -> str | None: ...


class ToolInvoker(Protocol):
    """What an agent needs to call a registered tool."""

    async def call(self, ref: str, arguments: dict[str, Any], *, task_id: str | None, actor: str,
                   requested: bool = False) -> ToolResult: ...


class GatedInvoker:
    def __init__(self, registry: ToolRegistry, gate: CallGate, settle: Settle):
        self.registry = registry
        self.gate = gate
        self.settle = settle

    async def call(self, ref: str, arguments: dict[str, Any], *, task_id: str | None, actor: str,
                   requested: bool = False) -> ToolResult:
        spec = self.registry.get(ref)
        if spec is None:
            await self.settle(ref)
            spec = self.registry.get(ref)
        if spec is not None and task_id is not None:
            start = time.perf_counter()
            refusal = await self.gate.admit(task_id, spec, arguments, requested=requested)
            if refusal is not None:
                result = ToolResult(refusal, True, round((time.perf_counter() - start) * 1000, 3), REFUSED,
                                    call_id=new_call_id())
                self.registry.events.started(spec, result.call_id, arguments, task_id)
                self.registry.events.finished(spec, result, task_id)
                return result
        return await self.registry.invoke(ref, arguments, task_id=task_id, actor=actor)
