"""`/api/v1/flow/{task_id}`: the Flow Inspector view of a task's trace (decision gates, timings, Mermaid).

Built from the same events as `/api/v1/history/requests/{id}`; nothing is stored twice.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.history import summary, text_steps
from venom_core.api.routes.tasks import TaskId
from venom_core.api.schemas_compat import FlowStep, FlowTrace
from venom_core.core.trace import trace_steps

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


def flow_steps(steps: list[dict[str, Any]]) -> list[FlowStep]:
    return [FlowStep(**s, is_decision_gate=s["component"] == "DecisionGate") for s in text_steps(steps)]


@router.get("/{task_id}", response_model=FlowTrace, responses=error_responses(404))
async def flow(task_id: TaskId, services: ServicesDep) -> FlowTrace:
    """Decision steps (intent, forced route, tool requirement, agent, runtime) with timings."""
    task = await services.log.load_task(task_id)
    if task is None:
        raise ApiError(404, "task_not_found", f"There is no task with id {task_id}.")
    steps, streaming = trace_steps(await services.log.read_task(task_id))
    diagram = mermaid(steps, task.status.value)  # labelled from the structured details, before they become text
    return FlowTrace(
        **summary(task).model_dump(),
        task_id=task.id,
        agent=task.context.get("agent"),
        decision_gates=flow_steps([s for s in steps if s["component"] == "DecisionGate"]),
        llm_steps=flow_steps([s for s in steps if s["component"] == "LLM"]),
        steps=flow_steps(steps),
        streaming=streaming,
        routing_decision=task.context.get("routing_decision"),
        llm_runtime=task.context.get("llm_runtime"),
        context_used=task.context.get("context_used") or {"lessons": [], "memory_entries": []},
        mermaid=diagram,
        mermaid_diagram=diagram,
    )
