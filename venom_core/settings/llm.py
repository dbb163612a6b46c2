"""LLM: the active runtime, its fallback, the AI mode and the cloud keys (secrets, masked everywhere)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

AiMode = Literal["LOCAL", "HYBRID", "CLOUD"]


class LlmSettings(BaseModel):
    """Which model answers, and whether anything may leave the machine."""

    LLM_PROVIDER: str = Field(
        "embedded",
        description="Active runtime: embedded, ollama, openai_compatible, openai, google, anthropic (reference names "
        "vllm, gpt, gem, claude, local are accepted)")
    LLM_MODEL_NAME: str = Field("", description="Model of the active runtime; empty = the runtime's default")
    LLM_LOCAL_ENDPOINT: str = Field(
        "http://localhost:11434",
        description="Endpoint of a local HTTP runtime (Ollama or OpenAI-compatible)")
    LLM_KEEP_ALIVE: str = Field("-1", description="Ollama keep_alive; wins over the tuning profile's")
    LLM_FALLBACK_PROVIDER: str = Field("", description="Runtime tried when the active one fails before its first chunk")
    LLM_FALLBACK_MODEL: str = Field("", description="The fallback runtime's OWN model name")
    LLM_WARMUP_ON_STARTUP: bool = Field(
        True,
        description="A tiny warm-up generation after the model loads (in the background)")
    AI_MODE: AiMode = Field("LOCAL", description="LOCAL, HYBRID (long prompts may go to cloud) or CLOUD")
    PAID_MODE_ENABLED: bool = Field(False, description="Cloud models are used only when this is on and a key is set")
    SENSITIVE_DATA_LOCAL_ONLY: bool = Field(True, description="Content that looks sensitive never leaves the machine")
    OPENAI_API_KEY: str = Field("", description="OpenAI API key (a secret; masked everywhere)")
    OPENAI_API_BASE: str = Field("https://api.openai.com/v1", description="OpenAI API base URL")
    GOOGLE_API_KEY: str = Field("", description="Google Gemini API key (a secret; masked everywhere)")
    GOOGLE_API_BASE: str = Field(
        "https://generativelanguage.googleapis.com/v1beta/openai",
        description="Gemini's OpenAI-compatible API base URL")
    ANTHROPIC_API_KEY: str = Field("", description="Anthropic API key (a secret; masked everywhere)")
    ANTHROPIC_API_BASE: str = Field("https://api.anthropic.com", description="Anthropic API base URL")
