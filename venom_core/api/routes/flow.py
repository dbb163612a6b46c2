"""`/api/v1/flow/{task_id}`: the Flow Inspector view of a task's trace (decision gates, timings, Mermaid).

Built from the same events as `/api/v1/history/requests/{id}`; nothing is stored twice.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.tasks import TaskId
from venom_core.core.trace import trace_steps, trace_summary

router = APIRouter(prefix="/api/v1/flow", tags=["flow"])

# Steps shown as nodes of the diagram (the rest stay in `steps`).
_DIAGRAM = ("User", "Queue", "DecisionGate", "Autonomy", "Architect", "Coder", "Critic", "LLM", "Tool")


def _label(step: dict[str, Any]) -> str:
    details = step.get("details") or {}
    extra = details.get("agent") or details.get("intent") or details.get("tool") or details.get("provider") or ""
    text = f"{step['component']}/{step['action']}" + (f": {extra}" if extra else "")
    return re.sub(r"[\"\[\]{}()<>|]", "", text)[:60]


def mermaid(steps: list[dict[str, Any]], status: str) -> str:
    lines = ["flowchart TD"]
    nodes = [s for s in steps if s["component"] in _DIAGRAM or s["action"] in ("complete", "fail")]
    prev = None
    for i, step in enumerate(nodes):
        node = f"s{i}"
        shape = f'{{"{_label(step)}"}}' if step["component"] == "DecisionGate" else f'["{_label(step)}"]'
        lines.append(f"    {node}{shape}")
        if prev:
            lines.append(f"    {prev} -->|{step['elapsed_ms']:.0f} ms| {node}")
        prev = node
    lines.append(f'    end_node(["{status}"])')
    if prev:
        lines.append(f"    {prev} --> end_node")
    return "\n".join(lines)


@router.get("/{task_id}", responses=error_responses(404))
async def flow(task_id: TaskId, services: ServicesDep) -> dict[str, Any]:
    """Decision steps (intent, forced route, tool requirement, agent, runtime) with timings."""
    task = await services.log.load_task(task_id)
    if task is None:
        raise ApiError(404, "task_not_found", f"There is no task with id {task_id}.")
    steps, streaming = trace_steps(await services.log.read_task(task_id))
    gates = [s for s in steps if s["component"] == "DecisionGate"]
    llm = [s for s in steps if s["component"] == "LLM"]
    return {
        **trace_summary(task),
        "task_id": task.id,
        "intent": task.context.get("intent"),
        "agent": task.context.get("agent"),
        "decision_gates": gates,
        "llm_steps": llm,
        "steps": steps,
        "streaming": streaming,
        "routing_decision": task.context.get("routing_decision"),
        "llm_runtime": task.context.get("llm_runtime"),
        "context_used": task.context.get("context_used") or {"lessons": [], "memory_entries": []},
        "mermaid": mermaid(steps, task.status.value),
    }
