"""The deployment document's (seed) table: UI addresses, the runtime profile and Ollama's tuning."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

RuntimeProfile = Literal["light", "llm_off", "full"]
OllamaProfileName = Literal["balanced-12-24gb", "low-vram-8-12gb", "max-context-24gb-plus"]


class DeploymentSettings(BaseModel):
    """The variables of the deployment document's table, with its defaults."""

    NEXT_PUBLIC_API_BASE: str = Field("http://localhost:8000", description="API base URL the UI uses in the browser")
    NEXT_PUBLIC_WS_BASE: str = Field("ws://localhost:8000/ws/events", description="WebSocket endpoint for /ws/events")
    API_PROXY_TARGET: str = Field("http://localhost:8000", description="Where Next.js proxies /api (server side)")
    NEXT_DISABLE_TURBOPACK: str = Field("1", description="Set by the Makefile in dev mode")
    OLLAMA_IMAGE: str = Field("ollama/ollama:0.16.1", description="Ollama image of the compose profiles")
    VENOM_RUNTIME_PROFILE: RuntimeProfile = Field(
        "light",
        description="Light (embedded or Ollama), llm_off (no local model; cloud after keys), full (every installed "
        "local runtime)")
    OLLAMA_HOST: str = Field(  # bind address of the Ollama *container*, not of Venom
        "0.0.0.0",
        description="Bind address of Ollama inside its container (not Venom's)")
    VENOM_OLLAMA_PROFILE: str = Field(
        "balanced-12-24gb",
        description="Ollama tuning profile: balanced-12-24gb, low-vram-8-12gb, max-context-24gb-plus")
    OLLAMA_CONTEXT_LENGTH: int = Field(0, description="Num_ctx override; 0 = the profile's")
    OLLAMA_NUM_PARALLEL: int = Field(0, description="Num_parallel override; 0 = the profile's")
    OLLAMA_MAX_QUEUE: int = Field(0, description="Num_queue override; 0 = the profile's")
    OLLAMA_FLASH_ATTENTION: bool = Field(True, description="Flash attention on")
    OLLAMA_KV_CACHE_TYPE: str = Field("", description="KV cache type override; empty = the profile's")
    OLLAMA_LOAD_TIMEOUT: str = Field("10m", description="Model load / pull timeout")
    OLLAMA_NO_CLOUD: bool = Field(True, description="No Ollama cloud models")
    OLLAMA_RETRY_MAX_ATTEMPTS: int = Field(default=2, ge=1, le=10,
        description="Total attempts for transient errors (429/5xx/connection), only before the first chunk")
    OLLAMA_RETRY_BACKOFF_SECONDS: float = Field(default=0.35, ge=0, le=30,
        description="Linear backoff base between attempts")
