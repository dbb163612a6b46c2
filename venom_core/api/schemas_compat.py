"""Response schemas of the trace and system routes, in the shapes the original Venom's clients read.

Field names and JSON types follow the original (its web client iterates list bodies directly and
calls string methods on `details`); fields of our own are added, never swapped for theirs.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from venom_core.api.schemas_runtime import LlmRuntimeInfo

# -- request traces (`/api/v1/history/requests`, `/api/v1/flow/{id}`) ------------------------


class FeedbackEntry(BaseModel):
    task_id: str
    timestamp: str = Field(description="UTC, ISO 8601 with a `Z` suffix.")
    rating: str = Field(description="`up` or `down`.")
    comment: str | None
    prompt: str
    result: str | None
    intent: str | None
    tool_required: bool | None = None


class RequestSummary(BaseModel):
    request_id: str = Field(description="The task id.")
    prompt: str
    status: str
    session_id: str | None
    created_at: str
    finished_at: str | None
    duration_seconds: float | None
    llm_provider: str | None
    llm_model: str | None
    llm_endpoint: str | None
    llm_config_hash: str | None = None
    llm_runtime_id: str | None = None
    adapter_applied: bool = False
    adapter_id: str | None = None
    forced_tool: str | None
    forced_provider: str | None
    forced_intent: str | None
    intent: str | None
    error_code: str | None
    error_class: str | None = None
    error_message: str | None
    error_details: dict[str, Any] | None = None
    error_stage: str | None
    error_retryable: bool | None
    feedback: FeedbackEntry | None = None
    result: str | None


class TraceStep(BaseModel):
    seq: int
    component: str
    action: str
    status: str = Field(description="`ok`, or `error` for a failed step.")
    details: str | None = Field(description="Plain text, or a JSON object encoded as a string; null when the "
                                            "step has none.")
    timestamp: str
    elapsed_ms: float


class FlowStep(TraceStep):
    is_decision_gate: bool


class FirstToken(BaseModel):
    at: str
    elapsed_ms: float | None
    preview: str


class Streaming(BaseModel):
    chunk_count: int
    first_chunk_ms: float | None
    last_emit_ms: float | None = None


class RequestDetail(RequestSummary):
    steps: list[TraceStep]
    streaming: Streaming
    first_token: FirstToken | None
    generation_params: dict[str, Any] | None
    llm_runtime: LlmRuntimeInfo | None
    routing_decision: dict[str, Any] | None
    context_used: dict[str, Any]
    context_preview: dict[str, Any] | None = None
    context: dict[str, Any]


class FlowTrace(RequestSummary):
    task_id: str
    agent: str | None
    decision_gates: list[FlowStep]
    llm_steps: list[FlowStep]
    steps: list[FlowStep]
    streaming: Streaming
    routing_decision: dict[str, Any] | None
    llm_runtime: LlmRuntimeInfo | None
    context_used: dict[str, Any]
    mermaid: str = Field(description="A Mermaid flowchart of the decision steps.")
    mermaid_diagram: str = Field(description="The same diagram, under the original's field name.")


def details_text(details: Any) -> str | None:
    """A step's details as the original sends them: text as is, anything else as JSON text."""
    if details is None or details == {} or details == "":
        return None
    if isinstance(details, str):
        return details
    return json.dumps(details, ensure_ascii=False, default=str)
