"""The orchestrator seam: what the pipeline hands to whoever executes a task.

The task runner owns the lifecycle (start, finish, fail, cancel); an `Orchestrator` only turns
a running task into an answer. Everything it does is recorded through its `TaskContext`, which
appends events to the log, so the stream, the trace and the metrics see every step.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from venom_core.core.event_log import EventLog
from venom_core.core.models import EventType, Task


class TaskContext:
    """The running task's handle on the event log, and its `tracer.Tracer` while it runs."""

    def __init__(self, log: EventLog, task: Task):
        self._log = log
        self.task = task
        self.task_id = task.id
        self.request: dict[str, Any] = task.request
        self._t0 = time.perf_counter()
        # The answer's citations (`events.CitationInfo` dicts), set by the orchestrator when
        # document passages were in the context; the runner puts them on TASK_COMPLETED.
        self.citations: list[dict[str, Any]] = []

    @property
    def scope(self) -> str:
        """The tracer's scope (`venom_core.tracer`): what runs inside this task records under its id."""
        return self.task_id

    @property
    def content(self) -> str:
        return self.task.content

    @property
    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self._t0) * 1000

    def emit(self, type: str, message: str = "", *, agent: str | None = None, **data: Any) -> None:
        """Any domain event (AGENT_THOUGHT, TOOL_USAGE, PLAN_CREATED, ...)."""
        self._log.append(self.task_id, type, message=message, agent=agent, data=data)

    def stream(self, delta: str) -> None:
        """New answer text, forwarded to SSE listeners as it arrives."""
        if delta:
            self._log.append(self.task_id, EventType.TASK_STREAM, data={"delta": delta})

    def set_context(self, **values: Any) -> None:
        """Merge values into the task's `context` (routing decision, runtime, context_used...)."""
        self._log.append(self.task_id, EventType.TRACE_STEP, data={"context": values, "component": "Context",
                                                                    "action": "update", "status": "ok"})

    def trace(self, component: str, action: str, status: str = "ok", **details: Any) -> None:
        """One step of the request trace, e.g. `trace("DecisionGate", "route_to_agent", agent=...)`."""
        self._log.append(
            self.task_id,
            EventType.TRACE_STEP,
            data={"component": component, "action": action, "status": status, "details": details,
                  "elapsed_ms": round(self.elapsed_ms, 3)},
        )


class Orchestrator(Protocol):
    async def run(self, ctx: TaskContext) -> str:
        """Execute the task and return the final answer text.

        Raise `TaskFailure` for a failure a person should read. Streaming text goes through
        `ctx.stream`; the returned string is the final result (normally the streamed text).
        """
