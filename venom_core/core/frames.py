"""The frames of a task's SSE stream (`task_stream`), as models: the `data` of each event name.

The stream builds its frames as plain dicts (one per coalesced batch of tokens: no model on that
path); these models declare them in the OpenAPI document, so the UI's types cover them, and the
tests check every frame a real stream sends against them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from venom_core.core.events import CitationInfo, EventError, ModelCallInfo
from venom_core.core.models import TaskStatus


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TaskFrameBase(_Frame):
    """The task as the stream has told it so far, with the runtime that answers it."""

    task_id: str
    status: TaskStatus
    result: str = Field(description="The whole answer so far (cumulative).")
    timestamp: str = Field(description="When the frame was sent (UTC, ISO 8601).")
    llm_provider: str | None
    llm_model: str | None
    llm_endpoint: str | None
    llm_status: str | None
    citations: list[CitationInfo] = Field(
        description="The answer's citations, once the task has completed (empty before, and without documents).")


class TaskUpdateData(TaskFrameBase):
    logs: list[str] = Field(description="Log lines new since the previous frame.")
    delta: str = Field(description="Answer text new since the previous frame.")
    seq: int = Field(description="The last event seq this frame covers (also its `id:`).")


class HeartbeatData(TaskFrameBase):
    logs: list[str] = Field(max_length=0)


class TaskUsage(_Frame):
    """The tokens of the task's model calls."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    estimated: bool
    calls: list[ModelCallInfo]


class TaskFinishedData(TaskFrameBase):
    error: EventError | None
    usage: TaskUsage | None
    seq: int


class TaskMissingData(_Frame):
    task_id: str
    timestamp: str
    event: Literal["gone"]
    detail: str


class TaskUpdateFrame(_Frame):
    """Status change, new log lines, new text."""

    event: Literal["task_update"]
    id: str = Field(pattern=r"^[0-9]+$", description="The last seq covered: send it as `Last-Event-ID` to resume.")
    data: TaskUpdateData


class HeartbeatFrame(_Frame):
    """Sent after a stretch of silence (`VENOM_SSE_HEARTBEAT_SECONDS`)."""

    event: Literal["heartbeat"]
    data: HeartbeatData


class TaskFinishedFrame(_Frame):
    """The task is over; the stream ends after this frame."""

    event: Literal["task_finished"]
    data: TaskFinishedData


class TaskMissingFrame(_Frame):
    """There is no such task; the stream ends after this frame."""

    event: Literal["task_missing"]
    data: TaskMissingData


TaskStreamFrame = Annotated[
    TaskUpdateFrame | HeartbeatFrame | TaskFinishedFrame | TaskMissingFrame, Field(discriminator="event")]
"""One frame of `GET /api/v1/tasks/{id}/stream`: `event:` names it, `data:` is its JSON."""
