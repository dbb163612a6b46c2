"""What the MCP tools answer (their output schemas) and the interface both backends implement.

Kept free of the SDK and of the server's internals: the stdio command imports it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, Field

TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELLED"})
PREVIEW_CHARS = 200
DEFAULT_WAIT_SECONDS = 60.0
MAX_WAIT_SECONDS = 600.0


class BackendError(Exception):
    """A refusal the caller can act on (unknown task, bad input, memory off): `[code] message`
    becomes the tool's error result, never a protocol error or a crash."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


class TaskAnswer(BaseModel):
    task_id: str
    status: str = Field(description="PENDING, PROCESSING, COMPLETED, FAILED or CANCELLED")
    finished: bool = Field(description="False when the wait ended first; get_task reads it later")
    answer: str = Field(description="The task's answer text (what was written so far when not finished)")
    error: str | None = Field(default=None, description="`[code] message` of a failed task")


class TaskDetail(BaseModel):
    task_id: str
    status: str
    finished: bool
    content: str = Field(description="The prompt, cut at 200 characters")
    result: str
    error: str | None = None
    session_id: str | None = None
    created_at: str
    finished_at: str | None = None


class TaskSummary(BaseModel):
    task_id: str
    status: str
    content: str = Field(description="The prompt, cut at 200 characters")
    session_id: str | None = None
    created_at: str


class RecentTasks(BaseModel):
    count: int
    tasks: list[TaskSummary] = Field(description="Newest first")


class MemoryHit(BaseModel):
    id: str
    text: str
    score: float = Field(description="Cosine similarity")
    memory_type: str | None = None
    session_id: str | None = None


class MemoryResults(BaseModel):
    query: str
    count: int
    results: list[MemoryHit] = Field(description="Best match first")

    @classmethod
    def from_hits(cls, query: str, hits: Sequence[Mapping[str, Any]]) -> MemoryResults:
        """From memory search hits as the memory service and `POST /api/v1/memory/search` give them."""
        results = [MemoryHit(id=str(h["id"]), text=str(h["text"]), score=float(h["score"]),
                             memory_type=h.get("type"), session_id=h.get("session_id")) for h in hits]
        return cls(query=query, count=len(results), results=results)


class VenomBackend(Protocol):
    """What the tools need from Venom; each method raises BackendError for a refusal."""

    async def submit_task(self, content: str, session_id: str | None, wait_seconds: float) -> TaskAnswer: ...

    async def get_task(self, task_id: str) -> TaskDetail: ...

    async def search_memory(self, query: str, limit: int) -> MemoryResults: ...

    async def list_recent_tasks(self, limit: int) -> RecentTasks: ...


def preview(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def error_text(error: object) -> str | None:
    """A task's error record (`{"code", "message", ...}`) as one line."""
    if not isinstance(error, dict) or not error:
        return None
    return f"[{error.get('code', 'error')}] {error.get('message', '')}".strip()
