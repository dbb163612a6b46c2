"""The payload of every event type: one model per `EventType`, collected in `PAYLOADS`.

`EventLog.append` checks each event's `data` against its type's model (see `check`), so the log
holds only events whose shape is declared here, and the OpenAPI document (and from it the UI's
TypeScript types) describes exactly what the log carries. The fields are what the emitters
send; an emitter that sends a field not listed here, or a value of another type, is refused.

The models are strict (no coercion: the stored dict is the emitter's own, so a value coerced
only for the check would still be stored wrong) and refuse unknown fields, except where a
field is an open bag by design (a tool's own facts, a trace step's details, the task context).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from venom_core.core.models import EventType

Json = dict[str, Any]


class Payload(BaseModel):
    """Base of every payload model: strict, closed, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    event_type: ClassVar[EventType]


class RefusalAction(BaseModel):
    """What a person can do about an autonomy refusal: open the setting, or allow it once for the task."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    kind: Literal["open_setting", "allow_once"]
    # No defaults: the API's answers and the event payloads then share one schema.
    setting: Literal["autonomy_level"]
    required_level: int = Field(description="The autonomy level the refused action needs.")
    required_level_name: str
    href: str | None = Field(description="The UI page of the setting (`open_setting`); null for `allow_once`.")
    method: Literal["POST"]
    endpoint: str = Field(description="The API call that acts: the autonomy setting, or the task's allow-once.")


class EventError(BaseModel):
    """The stable error shape `{code, message, stage, retryable}` (see `models.TaskError`)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    code: str
    message: str
    stage: str
    retryable: bool
    actions: list[RefusalAction] | None = Field(
        default=None, description="An autonomy refusal's actions (open the setting, allow once).")


class EventCodeMessage(BaseModel):
    """A short error: a stable code and a sentence."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    code: str
    message: str


# -- task lifecycle --------------------------------------------------------------------------
class TaskCreatedPayload(Payload):
    event_type = EventType.TASK_CREATED
    content: str
    request: Json = Field(description="The accepted request's options (session_id, forced_intent, ...).")
    context: Json = Field(default_factory=dict, description="Initial task context (`llm_runtime`).")


class TaskQueuedPayload(Payload):
    event_type = EventType.TASK_QUEUED
    active: int
    limit: int
    paused: bool


class TaskStartedPayload(Payload):
    event_type = EventType.TASK_STARTED


class TaskStreamPayload(Payload):
    event_type = EventType.TASK_STREAM
    delta: str = Field(description="New answer text.")


class CitationInfo(BaseModel):
    """A document passage the answer was given (and, when `cited`, marked as `[n]`)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    n: int = Field(ge=1, description="The passage's number in the prompt: the answer cites it as `[n]`.")
    document_id: str
    name: str = Field(description="The document's file name.")
    page: int | None = Field(ge=1, description="The page, from 1; null for a format without pages.")
    chunk_id: str = Field(description="The passage: `GET /api/v1/documents/{document_id}` lists it with its span.")
    score: float = Field(description="Cosine similarity of the passage to the question (0-1).")
    snippet: str = Field(description="The passage's first characters, whitespace collapsed.")
    cited: bool = Field(description="The answer marks it `[n]`. False on every citation when the answer "
                                    "marks none: then all passages given are listed.")


class TaskCompletedPayload(Payload):
    event_type = EventType.TASK_COMPLETED
    result: str
    result_length: int
    citations: list[CitationInfo] = Field(
        default_factory=list, description="Sent only when document passages were in the answer's context.")


class TaskFailedPayload(Payload):
    event_type = EventType.TASK_FAILED
    error: EventError


class TaskAbortedPayload(Payload):
    event_type = EventType.TASK_ABORTED
    error: EventError


class TaskRequeuedPayload(Payload):
    event_type = EventType.TASK_REQUEUED


# -- inside a task -----------------------------------------------------------------------------
class AgentThoughtPayload(Payload):
    event_type = EventType.AGENT_THOUGHT
    intent: str
    target_agent: str | None = None


class AgentActionPayload(Payload):
    event_type = EventType.AGENT_ACTION
    intent: str


class ToolUsagePayload(Payload):
    """An agent used one of its own tools; besides `tool`, the facts that tool reports."""

    model_config = ConfigDict(extra="allow")
    event_type = EventType.TOOL_USAGE
    tool: str


class PlanStepInfo(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    title: str
    description: str = ""


class PlanCreatedPayload(Payload):
    event_type = EventType.PLAN_CREATED
    goal: str
    steps: list[PlanStepInfo]


class PlanStepStartedPayload(Payload):
    event_type = EventType.PLAN_STEP_STARTED
    step: int = Field(description="From 1.")
    title: str
    sub_task_id: str


class PlanStepCompletedPayload(Payload):
    event_type = EventType.PLAN_STEP_COMPLETED
    step: int = Field(description="From 1.")
    sub_task_id: str
    status: str = Field(description="The sub-task's final status.")


class TraceStepPayload(Payload):
    """One step of the request trace; `context` (with component `Context`) merges into the task's."""

    event_type = EventType.TRACE_STEP
    component: str
    action: str
    status: str
    details: Json = Field(default_factory=dict)
    elapsed_ms: float | None = None
    context: Json | None = None


class RenderWidgetPayload(Payload):
    event_type = EventType.RENDER_WIDGET
    widget: str
    content: str


class ModelCallInfo(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False


class LlmUsagePayload(Payload):
    event_type = EventType.LLM_USAGE
    call: ModelCallInfo


class _ToolCall(Payload):
    call_id: str
    tool_id: str
    function_name: str
    source: str = Field(description="`builtin` or `mcp:<server>`.")
    task_id_hint: str | None = Field(
        default=None, description="The task the call belonged to, when it ended after that task did.")


class ToolCallStartedPayload(_ToolCall):
    event_type = EventType.TOOL_CALL_STARTED
    side_effect: Literal["read", "write", "network", "exec"]
    arguments: Any = Field(description="The arguments, masked and bounded like the audit trail's.")


class ToolCallFinishedPayload(_ToolCall):
    event_type = EventType.TOOL_CALL_FINISHED
    duration_ms: float
    is_error: bool
    result_preview: str
    result_chars: int
    truncated: bool


class ToolCallFailedPayload(ToolCallFinishedPayload):
    event_type = EventType.TOOL_CALL_FAILED
    error_code: str


class _Approval(Payload):
    call_id: str = Field(description="The approval's id: `POST /api/v1/tasks/{id}/approvals/{call_id}`.")
    tool_id: str
    function_name: str


class ApprovalRequestedPayload(_Approval):
    event_type = EventType.APPROVAL_REQUESTED
    source: str = Field(description="`builtin` or `mcp:<server>`.")
    side_effect: Literal["read", "write", "network", "exec"]
    arguments: Any = Field(description="The call's arguments, masked and bounded like the audit trail's.")
    expires_at: str = Field(description="ISO time after which an unanswered request counts as denied.")


class ApprovalDecidedPayload(_Approval):
    event_type = EventType.APPROVAL_DECIDED
    decision: Literal["approve", "deny"]
    by: Literal["person", "timeout", "policy"] = Field(
        description="`person`: the approvals route; `timeout`: unanswered in time; `policy`: a remembered policy.")
    remember: bool = Field(description="The decision was stored as the tool's policy.")


# -- system events ------------------------------------------------------------------------------
class _QueueState(Payload):
    paused: bool
    pending: int
    active: int
    processing: int
    limit: int


class QueuePausedPayload(_QueueState):
    event_type = EventType.QUEUE_PAUSED


class QueueResumedPayload(_QueueState):
    event_type = EventType.QUEUE_RESUMED
    pending_tasks: int = Field(description="Tasks that were waiting when the queue resumed.")


class QueuePurgedPayload(Payload):
    event_type = EventType.QUEUE_PURGED
    purged: int
    task_ids: list[str]


class EmergencyStopPayload(Payload):
    event_type = EventType.EMERGENCY_STOP
    cancelled: int
    purged: int
    paused: bool


class SystemLogPayload(Payload):
    event_type = EventType.SYSTEM_LOG
    level: str


class AuditActorInfo(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    kind: Literal["token", "loopback", "remote"]
    address: str
    user_agent: str


class AuditActionPayload(Payload):
    event_type = EventType.AUDIT_ACTION
    action: str
    operation: str
    outcome: Literal["success", "failed", "denied"]
    status_code: int
    actor: AuditActorInfo
    details: Json
    error_code: str | None


class FolderCounts(BaseModel):
    """What one scan of a synced folder did."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    files: int = Field(description="Supported files the scan found.")
    added: int
    changed: int = Field(description="Files whose content changed and were read again.")
    removed: int
    unchanged: int
    skipped: int = Field(description="Files left out: unsupported, too large, unreadable, links out.")


class DocumentIngestProgressPayload(Payload):
    """A document's indexing (`document_id`: queued, indexing with chunk counts, ready, failed) or
    a synced folder's scan (`folder_id`: scanning, synced with `counts`, failed)."""

    event_type = EventType.DOCUMENT_INGEST_PROGRESS
    document_id: str | None = None
    folder_id: str | None = None
    status: Literal["queued", "indexing", "ready", "failed", "scanning", "synced"]
    pages: int | None = None
    chunks_done: int | None = None
    chunks_total: int | None = None
    error: EventCodeMessage | None = None
    path: str | None = Field(default=None, description="A folder's path in the workspace.")
    counts: FolderCounts | None = None
    truncated: bool | None = Field(default=None, description="The folder scan stopped at its file limit.")


class SessionUpdatedPayload(Payload):
    """The conversation's list entry after a rename or pin."""

    event_type = EventType.SESSION_UPDATED
    session_id: str
    title: str
    pinned: bool
    message_count: int
    created_at: str
    updated_at: str


class SessionDeletedPayload(Payload):
    event_type = EventType.SESSION_DELETED
    session_id: str


class ModelInstallProgressPayload(Payload):
    event_type = EventType.MODEL_INSTALL_PROGRESS
    operation_id: str
    name: str
    provider: str
    status: str
    attempt: int
    done: bool
    total: int | None = None
    completed: int | None = None
    percent: float | None = None
    error: EventCodeMessage | None = None


class BenchmarkProgressPayload(Payload):
    """A benchmark run (`POST /api/v1/benchmark`): started, each model measured, then finished."""

    event_type = EventType.BENCHMARK_PROGRESS
    benchmark_id: str
    status: Literal["running", "completed", "failed"]
    models_done: int
    models_total: int
    provider: str | None = Field(default=None, description="The model just measured (null on start).")
    model: str | None = None
    model_status: Literal["ok", "failed"] | None = None
    error: EventCodeMessage | None = None


class AutonomyGrantedPayload(Payload):
    """An allowed-once task (or a sub-task of one) runs with `level` granted for itself only."""

    event_type = EventType.AUTONOMY_GRANTED
    level: int
    level_name: str
    global_level: int = Field(description="The global level, which the grant leaves unchanged.")
    origin_task_id: str = Field(description="The refused task this one re-runs.")
    permission: str | None = None


def _collect() -> dict[EventType, type[Payload]]:
    found: dict[EventType, type[Payload]] = {}
    stack: list[type[Payload]] = list(Payload.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__name__.startswith("_"):
            assert cls.event_type not in found, f"two payload models for {cls.event_type}"
            found[cls.event_type] = cls
    missing = set(EventType) - set(found)
    assert not missing, f"event types without a payload model: {sorted(missing)}"
    return {t: found[t] for t in EventType}


PAYLOADS: Mapping[EventType, type[Payload]] = _collect()
"""Every event type's payload model, in `EventType` order."""

_VALIDATORS = {str(t): m.__pydantic_validator__.validate_python for t, m in PAYLOADS.items()}


class InvalidEvent(ValueError):
    """An event the log refuses: an unknown type, or data that does not fit the type's model."""

    def __init__(self, event_type: str, reason: str):
        super().__init__(f"{event_type}: {reason}")
        self.event_type = event_type
        self.reason = reason


def check(event_type: str, data: Mapping[str, Any]) -> None:
    """Raise `InvalidEvent` unless `data` is a valid payload of `event_type`.

    TASK_STREAM (one event per token) is checked inline: a length test and a type test cost a
    fraction of a model validation."""
    if event_type == EventType.TASK_STREAM and len(data) == 1 and type(data.get("delta")) is str:
        return
    validate = _VALIDATORS.get(event_type)
    if validate is None:
        raise InvalidEvent(event_type, "not an event type of this log")
    try:
        validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "data"
        raise InvalidEvent(event_type, f"{where}: {first['msg']}") from None


def payload_data(payload: Payload) -> Json:
    """The `data` dict of a typed payload."""
    return payload.model_dump()
