"""The MCP tools Venom offers, declared with the official SDK (`MCPServer`): the SDK writes the
protocol, the input schemas (from the annotated parameters) and the output schemas (from the models).

Every refusal is a tool error result (`is_error`, `[code] message`), never a protocol error: the
SDK turns a `ToolError` and arguments that fail the schema into one.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from venom_core import __version__
from venom_core.mcp_server.models import (
    DEFAULT_WAIT_SECONDS,
    MAX_WAIT_SECONDS,
    BackendError,
    MemoryResults,
    RecentTasks,
    TaskAnswer,
    TaskDetail,
    VenomBackend,
)

INSTRUCTIONS = ("Venom is a local AI agent stack. submit_task runs a prompt as a Venom task and waits for "
                "its answer; get_task reads a task later; search_memory searches Venom's long-term memory; "
                "list_recent_tasks shows the newest tasks.")
READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
# A task may run agents that write files or fetch pages: not read-only, yet it adds, never deletes.
SUBMIT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)

Content = Annotated[str, Field(min_length=1, max_length=50_000, description="The prompt, as a user would type it")]
SessionId = Annotated[str | None, Field(default=None, min_length=1, max_length=128,
                                        description="Keeps a conversation together across tasks")]
Wait = Annotated[float, Field(ge=0, le=MAX_WAIT_SECONDS,
                              description="Seconds to wait for the final answer (0: return at once)")]
TaskId = Annotated[str, Field(min_length=1, max_length=64, description="A task id from submit_task or "
                                                                        "list_recent_tasks")]
Query = Annotated[str, Field(min_length=1, max_length=2000, description="What to look for")]
SearchLimit = Annotated[int, Field(ge=1, le=50, description="How many entries at most")]
ListLimit = Annotated[int, Field(ge=1, le=100, description="How many tasks at most")]


def build_server(backend: VenomBackend) -> MCPServer[None]:
    server: MCPServer[None] = MCPServer("venom", title="Venom", version=__version__, instructions=INSTRUCTIONS,
                                        log_level="WARNING")

    @server.tool(annotations=SUBMIT, title="Submit a task")
    async def submit_task(content: Content, session_id: SessionId = None,
                          timeout: Wait = DEFAULT_WAIT_SECONDS) -> TaskAnswer:  # noqa: ASYNC109 - the tool's argument
        """Run a prompt as a Venom task and wait up to `timeout` seconds for its final answer.
        An unfinished task comes back with finished=false; read it later with get_task."""
        try:
            return await backend.submit_task(content, session_id, timeout)
        except BackendError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(annotations=READ, title="Read a task")
    async def get_task(task_id: TaskId) -> TaskDetail:
        """The status and result of one task."""
        try:
            return await backend.get_task(task_id)
        except BackendError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(annotations=READ, title="Search memory")
    async def search_memory(query: Query, limit: SearchLimit = 5) -> MemoryResults:
        """Venom's long-term memory entries closest in meaning to the query, best first."""
        try:
            return await backend.search_memory(query, limit)
        except BackendError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(annotations=READ, title="List recent tasks")
    async def list_recent_tasks(limit: ListLimit = 10) -> RecentTasks:
        """The newest tasks, newest first, with their status."""
        try:
            return await backend.list_recent_tasks(limit)
        except BackendError as exc:
            raise ToolError(str(exc)) from None

    return server
