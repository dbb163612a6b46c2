"""Tools and MCP servers (issue 13: venom_core/tools): deadlines, result size and approvals."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class ToolSettings(BaseModel):
    """The MCP servers' file and start-up, and the limits of one tool call."""

    VENOM_MCP_CONFIG: Path | None = Field(  # the `mcpServers` JSON file; unset = VENOM_DATA_DIR/mcp.json
        None,
        description="The mcpServers JSON file (the format other MCP clients use); unset = VENOM_DATA_DIR/mcp.json. "
        "Edited with PUT /api/v1/mcp/servers")
    VENOM_TOOL_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0, le=3600,
        description="Deadline of one tool call; a call past it is stopped and answers tool_timeout")  # one tool call
    VENOM_TOOL_MAX_RESULT_CHARS: int = Field(default=100_000, ge=1000, le=50_000_000,
        description="A tool's text result is cut here (the result says truncated)")  # longer results are cut
    VENOM_MCP_START_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0, le=600,
        description="How long one MCP server may take to connect, initialize and list its tools before it counts as "
        "failed")  # connect + initialize + list tools
    VENOM_MCP_MAX_BACKOFF_SECONDS: float = Field(default=60.0, ge=1, le=3600,
        description="Longest wait between restarts of an MCP server that died (0.5 s, doubling up to this)")
    # Model turns that may call tools in one task (agents/tool_loop.py); then the model must answer.
    VENOM_TOOL_MAX_STEPS: int = Field(default=6, ge=1, le=50,
        description="Model turns of one task that may call tools (the model chooses them when its runtime has native "
        "tool calls)")
    # How long an `ask` tool call waits for a person's decision; unanswered = denied.
    VENOM_APPROVAL_TIMEOUT_S: float = Field(default=300.0, gt=0, le=86_400,
        description="How long a tool call whose policy is ask waits for POST /api/v1/tasks/{id}/approvals/{call_id}; "
        "unanswered means denied")
