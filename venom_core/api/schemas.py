"""Request and response schemas of the task API (field names of the reference)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from loguru import logger
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from venom_core.api.json_fields import JsonObject, ShortText
from venom_core.api.schemas_runtime import LlmRuntimeInfo
from venom_core.api.usage_models import UsageView
from venom_core.core import json_safety
from venom_core.core.events import CitationInfo, RefusalAction
from venom_core.core.intents import INTENTS, TOOL_ALIASES
from venom_core.core.models import Task, iso
from venom_core.runtimes.providers import PROVIDERS
from venom_core.runtimes.response_format import schema_of

FORCED_PROVIDERS: dict[str, str] = PROVIDERS.aliases()  # every runtime's name and aliases, from its spec
MAX_TASK_DOCUMENTS = 50
# A document id as the documents API issues them (32 hex digits): anything else could never match.
DocumentRef = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class ExtraContext(BaseModel):
    model_config = ConfigDict(extra="forbid")
    files: list[ShortText] = Field(default_factory=list, max_length=50)
    links: list[ShortText] = Field(default_factory=list, max_length=50)
    paths: list[ShortText] = Field(default_factory=list, max_length=50)
    notes: list[ShortText] = Field(default_factory=list, max_length=50)


class TaskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    content: str = Field(min_length=1, max_length=50_000, description="The user prompt (1–50,000 characters).")
    session_id: str | None = Field(default=None, max_length=128)
    preferred_language: Literal["en", "pl", "de"] | None = None
    preference_scope: Literal["session", "global"] | None = None
    tone: Literal["concise", "detailed", "neutral"] | None = None
    style_notes: str | None = Field(default=None, max_length=2000)
    forced_tool: str | None = Field(default=None, max_length=200, description=(
        f"One of: {', '.join(sorted(TOOL_ALIASES))}; or a tool id from `GET /api/v1/tools` (`builtin:time`, "
        "`mcp:<server>:<tool>`), which the model is made to call."))
    forced_provider: str | None = Field(default=None, description=f"One of: {', '.join(FORCED_PROVIDERS)}.")
    forced_intent: str | None = Field(default=None, description=f"One of: {', '.join(INTENTS)}.")
    generation_params: JsonObject | None = None
    store_knowledge: bool = True
    document_ids: list[DocumentRef] | None = Field(
        default=None, max_length=MAX_TASK_DOCUMENTS,
        description=f"Restrict document retrieval to these documents (at most {MAX_TASK_DOCUMENTS} ids); "
                    "unset = every ready document.")
    extra_context: ExtraContext | None = None
    expected_config_hash: str | None = Field(default=None, max_length=64)
    expected_runtime_id: str | None = Field(default=None, max_length=256)

    @field_validator("content")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("content must contain at least one non-space character")
        return v

    @field_validator("forced_tool")
    @classmethod
    def _known_tool(cls, v: str | None) -> str | None:
        if v is not None and ":" in v:
            return v  # a registry tool id: the task route checks that the tool exists
        if v is not None and v.lstrip("/").lower() not in TOOL_ALIASES:
            raise ValueError(f"unknown forced_tool '{v}'; allowed values: {', '.join(sorted(TOOL_ALIASES))} "
                             "or a tool id from GET /api/v1/tools")
        return None if v is None else v.lstrip("/").lower()

    @field_validator("forced_intent")
    @classmethod
    def _known_intent(cls, v: str | None) -> str | None:
        if v is not None and v.upper() not in INTENTS:
            raise ValueError(f"unknown forced_intent '{v}'; allowed values: {', '.join(INTENTS)}")
        return None if v is None else v.upper()

    @field_validator("forced_provider")
    @classmethod
    def _known_provider(cls, v: str | None) -> str | None:
        known = PROVIDERS.aliases()  # read live: a runtime registered after start-up counts too
        if v is not None and v.lstrip("@/").lower() not in known:
            raise ValueError(f"unknown forced_provider '{v}'; allowed values: {', '.join(known)}")
        return None if v is None else known[v.lstrip("@/").lower()]

    @field_validator("generation_params")
    @classmethod
    def _valid_response_format(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        # The same check as the direct route's: a bad schema is a 422 now, not a failed task later.
        if v is not None:
            schema_of(v.get("response_format"))
        return v


class ErrorInfo(BaseModel):
    code: str
    message: str
    stage: str | None = None
    retryable: bool | None = None
    actions: list[RefusalAction] | None = Field(
        default=None, description="An autonomy refusal's actions: open the setting, allow once for this task.")


class RefusalView(BaseModel):
    """What the autonomy level refused in the task (the agent, a tool call or a paid runtime), and the
    actions a person can take: open the setting, or allow it once for this task."""

    permission: str
    required_level: int
    required_level_name: str
    level: int = Field(description="The level the task ran with.")
    actor: str
    message: str
    actions: list[RefusalAction]


class TaskCreated(BaseModel):
    task_id: str
    status: str
    decision: str = "allow"
    created_at: str
    session_id: str | None = None
    llm_provider: str | None = None
    llm_model: str | None = None
    llm_endpoint: str | None = None
    policy_blocked: bool = False
    reason_code: str | None = None
    user_message: str | None = None
    stream_url: str


class TaskView(BaseModel):
    id: str
    task_id: str
    content: str
    status: str
    result: str
    logs: list[str]
    error: ErrorInfo | None
    session_id: str | None
    created_at: str
    updated_at: str
    started_at: str | None
    finished_at: str | None
    timings: dict[str, float | None]
    context_used: dict[str, Any]
    routing_decision: dict[str, Any] | None
    llm_runtime: LlmRuntimeInfo | None
    context_history: dict[str, Any]
    request: dict[str, Any]
    usage: UsageView | None = None
    citations: list[CitationInfo] = Field(
        description="The document passages the answer cites (or was given), once completed; empty without them.")
    refusal: RefusalView | None = Field(
        default=None, description="Set when the autonomy level refused something in this task.")
    allow_once_of: str | None = Field(default=None, description="The refused task this allowed-once task re-runs.")


class TaskList(BaseModel):
    items: list[TaskView]
    next_cursor: str | None
    count: int


def _ms(a: Any, b: Any) -> float | None:
    return None if a is None or b is None else round((b - a).total_seconds() * 1000, 3)


def task_view(t: Task) -> TaskView:
    """The API view of a task. A record that cannot be shown whole (one stored by an older
    version with a value nested too deep, say) is shown with its free-form parts left out and
    an `error` saying so, rather than failing the read, or every list that contains it."""
    try:
        return _full_view(t)
    except Exception as exc:
        logger.bind(no_ws=True).warning("task {} cannot be shown whole ({}); serving a reduced view", t.id, exc)
        return _reduced_view(t)


def _full_view(t: Task) -> TaskView:
    context = json_safety.clamp(t.context)
    error = json_safety.clamp(t.error)
    return TaskView(
        id=t.id,
        task_id=t.id,
        content=t.content,
        status=t.status.value,
        result=t.result,
        logs=t.logs,
        error=ErrorInfo(**error) if error else None,
        session_id=t.session_id,
        created_at=iso(t.created_at),
        updated_at=iso(t.updated_at),
        started_at=iso(t.started_at) if t.started_at else None,
        finished_at=iso(t.finished_at) if t.finished_at else None,
        timings=_timings(t),
        context_used=context.get("context_used") or {"lessons": [], "memory_entries": []},
        routing_decision=context.get("routing_decision"),
        llm_runtime=context.get("llm_runtime"),
        context_history=context,
        request=json_safety.clamp(t.request),
        usage=UsageView.model_validate(context["usage"]) if isinstance(context.get("usage"), dict) else None,
        citations=[CitationInfo.model_validate(c) for c in context.get("citations") or []],
        refusal=_refusal_view(context.get("autonomy_refusal")),
        allow_once_of=t.request.get("allow_once_of") if isinstance(t.request.get("allow_once_of"), str) else None,
    )


def _refusal_view(value: Any) -> RefusalView | None:
    if not isinstance(value, dict):
        return None
    try:
        return RefusalView.model_validate(value)
    except ValueError:  # a record another version wrote: the task is shown without it
        return None


def _timings(t: Task) -> dict[str, float | None]:
    return {
        "queue_ms": _ms(t.created_at, t.started_at),
        "first_token_ms": _ms(t.started_at, t.first_token_at),
        "run_ms": _ms(t.started_at, t.finished_at),
        "total_ms": _ms(t.created_at, t.finished_at),
    }


def _reduced_view(t: Task) -> TaskView:
    return TaskView(
        id=t.id, task_id=t.id, content=str(t.content), status=t.status.value, result=str(t.result),
        logs=[str(line) for line in t.logs] if isinstance(t.logs, list) else [],
        error=ErrorInfo(code="record_unreadable", message=UNREADABLE, stage="storage", retryable=False),
        session_id=t.session_id, created_at=iso(t.created_at), updated_at=iso(t.updated_at),
        started_at=iso(t.started_at) if t.started_at else None,
        finished_at=iso(t.finished_at) if t.finished_at else None,
        timings=_timings(t), context_used={"lessons": [], "memory_entries": []}, routing_decision=None,
        llm_runtime=None, context_history={}, request={}, citations=[],
    )


UNREADABLE = ("This task's stored record could not be shown whole, so its request and context are left out; "
              "its id, status, text and dates are intact.")
