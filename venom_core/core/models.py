"""Domain records: tasks, events and the stable error shape.

These are plain dataclasses so that the domain has no dependency on the HTTP layer; the API
module defines its own pydantic request and response schemas.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from venom_core.core.errors import VenomError


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


class TaskStatus(enum.StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED})


class EventType(enum.StrEnum):
    """Event types of the log: every type something emits, and no other (`events.PAYLOADS` holds
    each one's payload model). The names are the reference's WebSocket `type` values."""

    TASK_CREATED = "TASK_CREATED"
    TASK_QUEUED = "TASK_QUEUED"
    TASK_STARTED = "TASK_STARTED"
    TASK_STREAM = "TASK_STREAM"  # new answer text (`data.delta`)
    AGENT_THOUGHT = "AGENT_THOUGHT"
    AGENT_ACTION = "AGENT_ACTION"
    TOOL_USAGE = "TOOL_USAGE"
    PLAN_CREATED = "PLAN_CREATED"
    PLAN_STEP_STARTED = "PLAN_STEP_STARTED"
    PLAN_STEP_COMPLETED = "PLAN_STEP_COMPLETED"
    TRACE_STEP = "TRACE_STEP"  # one decision or step of the request trace
    TASK_COMPLETED = "TASK_COMPLETED"
    TASK_FAILED = "TASK_FAILED"
    TASK_ABORTED = "TASK_ABORTED"
    TASK_REQUEUED = "TASK_REQUEUED"  # recovery after a restart
    QUEUE_PAUSED = "QUEUE_PAUSED"
    QUEUE_RESUMED = "QUEUE_RESUMED"
    QUEUE_PURGED = "QUEUE_PURGED"
    EMERGENCY_STOP = "EMERGENCY_STOP"
    SYSTEM_LOG = "SYSTEM_LOG"
    RENDER_WIDGET = "RENDER_WIDGET"
    AUDIT_ACTION = "AUDIT_ACTION"  # an admin action (or a refused attempt): who, from where, what, outcome
    TOOL_CALL_STARTED = "TOOL_CALL_STARTED"  # a registry tool call began: tool, masked arguments
    TOOL_CALL_FINISHED = "TOOL_CALL_FINISHED"  # it returned: duration, result preview
    TOOL_CALL_FAILED = "TOOL_CALL_FAILED"  # it was refused, timed out, or the tool reported an error
    APPROVAL_REQUESTED = "APPROVAL_REQUESTED"  # a tool call whose policy is `ask` waits for a person
    APPROVAL_DECIDED = "APPROVAL_DECIDED"  # approved or denied (by a person, or by the timeout)
    DOCUMENT_INGEST_PROGRESS = "DOCUMENT_INGEST_PROGRESS"  # a document upload: status and chunk counts
    LLM_USAGE = "LLM_USAGE"  # one model call's tokens (`data.call`); folded into the task's `usage`
    SESSION_UPDATED = "SESSION_UPDATED"  # a conversation was renamed or pinned
    SESSION_DELETED = "SESSION_DELETED"  # a conversation was forgotten
    MODEL_INSTALL_PROGRESS = "MODEL_INSTALL_PROGRESS"  # a model pull into Ollama: status and bytes
    BENCHMARK_PROGRESS = "BENCHMARK_PROGRESS"  # a model benchmark run: which model, how far, the outcome
    AUTONOMY_GRANTED = "AUTONOMY_GRANTED"  # an allowed-once task runs with a level above the global one


TERMINAL_EVENTS = frozenset({EventType.TASK_COMPLETED, EventType.TASK_FAILED, EventType.TASK_ABORTED})


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only log.

    `seq` numbers the events of one task from 1; `gseq` numbers every STORED event globally.
    System events (no task) have `task_id=None` and `seq=0`. A broadcast that is never stored
    (a SYSTEM_LOG line) has `gseq=0`: it takes no number, so every number names a stored event
    and `?since=<gseq>` means the same thing before and after a restart.
    """

    gseq: int
    task_id: str | None
    seq: int
    type: str
    timestamp: datetime
    agent: str | None = None
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def stored(self) -> bool:
        return self.gseq > 0

    def envelope(self) -> dict[str, Any]:
        """The WebSocket message shape: `{type, agent, message, timestamp, data, gseq}`; `gseq` is
        null for a message that is not stored (and so cannot be resumed from)."""
        data = dict(self.data)
        if self.task_id is not None:
            data.setdefault("task_id", self.task_id)
            data.setdefault("seq", self.seq)
        return {
            "type": self.type,
            "agent": self.agent,
            "message": self.message,
            "timestamp": iso(self.timestamp),
            "data": data,
            "gseq": self.gseq if self.gseq > 0 else None,
        }


@dataclass(frozen=True, slots=True)
class TaskError:
    """The stable error shape `{code, message, stage, retryable}` carried by failed tasks."""

    code: str
    message: str
    stage: str = "execution"
    retryable: bool = False
    # What a person can do about it (`events.RefusalAction` dicts): an autonomy refusal's actions.
    actions: tuple[dict[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "stage": self.stage,
                               "retryable": self.retryable}
        if self.actions:
            out["actions"] = [dict(a) for a in self.actions]
        return out


class TaskFailure(VenomError):
    """Raised by agents and runtimes to fail a task with a stable, human-readable error. Where one
    reaches an HTTP answer unhandled, the one error handler renders it like any other."""

    def __init__(self, code: str, message: str, *, stage: str = "execution", retryable: bool = False):
        super().__init__(code, message, retryable=retryable)
        self.error = TaskError(code=code, message=message, stage=stage, retryable=retryable)


@dataclass(slots=True)
class Task:
    """The task record: a projection of the task's events (see `projection.apply`)."""

    id: str
    content: str
    status: TaskStatus
    created_at: datetime
    updated_at: datetime
    request: dict[str, Any] = field(default_factory=dict)
    session_id: str | None = None
    result: str = ""
    logs: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    context: dict[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    first_token_at: datetime | None = None
    last_seq: int = 0
    streamed: bool = False

    @property
    def terminal(self) -> bool:
        return self.status.terminal
