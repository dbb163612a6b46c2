"""Response models of long-term memory, lessons and the knowledge graph (`/api/v1/memory`,
`/api/v1/lessons`, `/api/v1/knowledge`, `/api/v1/graph`).

Graph nodes and edges keep their type-specific attributes (a code node has a file and line, a
memory node a session), so their `data` declares the fields every node has and allows the rest.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """An object with declared fields that may carry more (type-specific) ones."""

    model_config = ConfigDict(extra="allow")


# --- memory entries ------------------------------------------------------------------------------
Origin = Literal["chat", "manual", "lesson", "document", "agent"]


class MemoryEntry(BaseModel):
    id: str
    text: str
    type: str
    pinned: bool
    created_at: float = Field(description="Unix time (seconds).")
    session_id: str | None = Field(description="The session it was told in, when known.")
    topic: str | None
    source: str | None = Field(description="The raw source tag (`chat:user`, `api`, `agent`...).")
    task_id: str | None = Field(description="The task (request) it was stored from, when known.")
    updated_at: float = Field(description="Unix time (seconds) of the last change (= created_at if never changed).")
    edited: bool = Field(description="True once the text was corrected by hand.")
    origin: Origin = Field(description="Where it came from: what the user said in a chat, a manual ingest "
                           "(API or the Brain screen), a lesson, a document chunk, or an agent's note.")


class MemoryHit(MemoryEntry):
    score: float = Field(description="Cosine similarity (0 for a full-text-only hybrid hit).")
    matched: list[Literal["vector", "text"]] | None = Field(default=None, description="Hybrid search only.")
    rrf: float | None = Field(default=None, description="Hybrid search only: the reciprocal-rank fusion score.")


class IngestResult(BaseModel):
    ids: list[str] = Field(description="The ids of the text's chunks, in order (known ones included).")
    chunks_count: int
    deduplicated: int


class IngestResponse(IngestResult):
    status: Literal["success"] = "success"
    message: str


class BatchIngestResponse(BaseModel):
    status: Literal["success"] = "success"
    message: str
    results: list[IngestResult]
    count: int
    chunks_count: int
    deduplicated: int


class MemorySearchResponse(BaseModel):
    status: Literal["success"] = "success"
    query: str
    results: list[MemoryHit]
    count: int
    mode: Literal["hybrid", "vector"]


class EntryList(BaseModel):
    status: Literal["success"] = "success"
    entries: list[MemoryEntry]
    count: int


class PinResponse(BaseModel):
    status: Literal["success"] = "success"
    id: str
    pinned: bool


class EntryDeleted(BaseModel):
    status: Literal["success"] = "success"
    id: str
    deleted: int


class WipeResponse(BaseModel):
    status: Literal["success"] = "success"
    deleted: int
    message: str


# --- graphs --------------------------------------------------------------------------------------
class NodeData(Open):
    id: str
    type: str
    label: str | None = None


class GraphNode(BaseModel):
    data: NodeData


class EdgeData(Open):
    id: str
    source: str
    target: str
    type: str


class GraphEdge(BaseModel):
    data: EdgeData


class GraphElements(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class GraphStats(Open):
    view: str
    nodes: int
    edges: int
    total_nodes: int
    total_edges: int
    truncated: bool
    node_types: dict[str, int]
    edge_types: dict[str, int]
    source: str | None = None
    memory: str | None = Field(default=None, description="The memory service's state (ready, loading...).")


class GraphView(BaseModel):
    """Cytoscape `{elements: {nodes, edges}, stats}`."""

    elements: GraphElements
    stats: GraphStats


class CodeScan(Open):
    scanned: bool
    files: int
    nodes: int
    edges: int
    errors: list[Any]
    root: str | None = None
    scanned_at: Any = None
    duration_ms: float | None = None
    node_types: dict[str, int] | None = None


class ScanResponse(CodeScan):
    status: Literal["success"] = "success"


class MemoryDescription(Open):
    status: str
    model: str
    dim: int
    error: str | None = None


class GraphSummary(BaseModel):
    status: Literal["success"] = "success"
    workspace: str
    code: CodeScan
    memory: MemoryDescription
    nodes: int
    edges: int


# --- lessons -------------------------------------------------------------------------------------
class LessonFeedback(BaseModel):
    rating: str
    comment: str
    at: float | None


class Lesson(BaseModel):
    id: str
    lesson_id: str
    situation: str
    action: str
    result: str
    success: bool
    created_at: float = Field(description="Unix time (seconds).")
    task_id: str | None
    session_id: str | None
    tags: list[str]
    feedback: LessonFeedback | None
    score: float | None = None


class LessonList(BaseModel):
    status: Literal["success"] = "success"
    lessons: list[Lesson]
    count: int
    total: int


class FeedbackCounts(BaseModel):
    up: int
    down: int


class LessonStats(BaseModel):
    """Ours (`total`, `tags`, epoch `newest`/`oldest`) and the reference client's names
    (`total_lessons`, `unique_tags`, `tag_distribution`, ISO `newest_lesson`/`oldest_lesson`)."""

    total: int
    success: int
    failed: int
    with_feedback: int
    feedback: FeedbackCounts
    tags: dict[str, int] = Field(description="The 50 most used tags and their counts.")
    newest: float | None
    oldest: float | None
    total_lessons: int
    unique_tags: int
    tag_distribution: dict[str, int]
    newest_lesson: str | None
    oldest_lesson: str | None


class LessonStatsResponse(BaseModel):
    status: Literal["success"] = "success"
    stats: LessonStats


class PruneResult(BaseModel):
    status: Literal["success"] = "success"
    deleted: int
    remaining: int


class DedupeResult(BaseModel):
    status: Literal["success"] = "success"
    removed: int
    remaining: int
