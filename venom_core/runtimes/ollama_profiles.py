"""VENOM_OLLAMA_PROFILE tuning profiles and the OLLAMA_* overrides (reference §4).

An explicit OLLAMA_* value of 0 or "" means "use the profile"; an unknown profile name falls
back to `balanced-12-24gb`. LLM_KEEP_ALIVE wins over the profile's keep_alive only when it is
set explicitly (its default `-1` would otherwise always hide the profile's value).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from venom_core.config import Settings

DEFAULT_PROFILE = "balanced-12-24gb"


@dataclass(frozen=True, slots=True)
class OllamaProfile:
    num_ctx: int
    num_parallel: int
    num_queue: int
    flash_attention: bool
    kv_cache_type: str
    keep_alive: str


PROFILES: dict[str, OllamaProfile] = {
    "balanced-12-24gb": OllamaProfile(32768, 2, 256, True, "q8_0", "30m"),
    "low-vram-8-12gb": OllamaProfile(16384, 1, 128, True, "q4_0", "20m"),
    "max-context-24gb-plus": OllamaProfile(65536, 1, 128, True, "q8_0", "45m"),
}


def profile_name(settings: Settings) -> str:
    name = settings.VENOM_OLLAMA_PROFILE
    return name if name in PROFILES else DEFAULT_PROFILE


def options(settings: Settings) -> dict[str, Any]:
    """The `options` object sent with every `/api/chat` request."""
    p = PROFILES[profile_name(settings)]
    return {
        "num_ctx": settings.OLLAMA_CONTEXT_LENGTH or p.num_ctx,
        "num_parallel": settings.OLLAMA_NUM_PARALLEL or p.num_parallel,
        "num_queue": settings.OLLAMA_MAX_QUEUE or p.num_queue,
        "flash_attention": settings.OLLAMA_FLASH_ATTENTION,
        "kv_cache_type": settings.OLLAMA_KV_CACHE_TYPE or p.kv_cache_type,
    }


def keep_alive(settings: Settings) -> str:
    if "LLM_KEEP_ALIVE" in settings.model_fields_set and settings.LLM_KEEP_ALIVE:
        return settings.LLM_KEEP_ALIVE
    return PROFILES[profile_name(settings)].keep_alive


def describe(settings: Settings) -> dict[str, Any]:
    return {"profile": profile_name(settings), "options": options(settings), "keep_alive": keep_alive(settings),
            "profiles": {k: asdict(v) for k, v in PROFILES.items()}}


def duration_seconds(value: str, default: float = 600.0) -> float:
    """Ollama-style durations: `10m`, `90s`, `1h`, or a bare number of seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", value or "")
    if not match:
        return default
    number, unit = float(match.group(1)), match.group(2)
    return number * {"": 1, "s": 1, "m": 60, "h": 3600}[unit]


def native_base(endpoint: str) -> str:
    """LLM_LOCAL_ENDPOINT may carry the `/v1` of Ollama's OpenAI shim; the native API is at the root."""
    base = endpoint.rstrip("/")
    return base[:-3] if base.endswith("/v1") else base
