"""The LLM runtime a task or the server uses, as every answer that names one describes it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LlmRuntimeInfo(BaseModel):
    # Open: a runtime may add its own facts (a warning, the profile), which the UI shows as text.
    model_config = ConfigDict(extra="allow")
    provider: str | None = Field(description="The runtime's name (embedded, ollama, openai, ...); null if none.")
    model: str | None
    endpoint: str | None = None
    status: str | None = Field(default=None, description="ready, loading, error, offline or unavailable.")
    config_hash: str | None = None
    runtime_id: str | None = None
    error: str | None = None
    error_code: str | None = None
