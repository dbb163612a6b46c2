"""Per-model generation defaults: temperature, top-p, context length and max tokens per
(provider, model), kept in the settings table and applied by the registry to every call.

A call's own values win field by field (a task's `generation_params`, the constrained JSON calls'
`temperature=0`); a model's `max_tokens` replaces the calling agent's built-in length
(`GenerationParams.fallback_max_tokens`), because a user who set it for a model expects answers
of that length. `context_length` reaches runtimes that take it per request (Ollama's `num_ctx`);
the embedded model and OpenAI-compatible servers fix it when the model is loaded.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from venom_core.runtimes.base import GenerationParams
from venom_core.storage.settings_kv import SettingsKV

SETTING_KEY = "model_defaults"
FIELDS = ("temperature", "top_p", "context_length", "max_tokens")


@dataclass(frozen=True, slots=True)
class ModelDefaults:
    temperature: float | None = None
    top_p: float | None = None
    context_length: int | None = None
    max_tokens: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in FIELDS if getattr(self, k) is not None}

    @classmethod
    def parse(cls, raw: Any) -> ModelDefaults | None:
        """A stored row; None for one that is not a dict (a hand-edited database)."""
        if not isinstance(raw, dict):
            return None
        return cls(**{k: raw[k] for k in FIELDS if isinstance(raw.get(k), int | float)})


def key(provider: str, model: str) -> str:
    # A provider name never holds a space; a model name never does either (the routes check it).
    return f"{provider} {model}"


def resolve(params: GenerationParams, defaults: ModelDefaults | None) -> GenerationParams:
    """The parameters a runtime receives: the call's own, then the model's defaults, then the
    caller's fallback length. Returns `params` itself when nothing changes."""
    d = defaults or ModelDefaults()
    changes: dict[str, Any] = {}
    if params.temperature is None and d.temperature is not None:
        changes["temperature"] = d.temperature
    if params.top_p is None and d.top_p is not None:
        changes["top_p"] = d.top_p
    if params.max_tokens is None and (d.max_tokens or params.fallback_max_tokens) is not None:
        changes["max_tokens"] = d.max_tokens or params.fallback_max_tokens
    if params.context_length is None and d.context_length is not None:
        changes["context_length"] = d.context_length
    return dataclasses.replace(params, **changes) if changes else params


class ModelDefaultsStore:
    def __init__(self, storage: SettingsKV):
        self.storage = storage
        self._rows: dict[str, ModelDefaults] = {}

    async def load(self) -> None:
        stored = await self.storage.get_setting(SETTING_KEY)
        rows = stored if isinstance(stored, dict) else {}
        self._rows = {k: d for k, v in rows.items() if (d := ModelDefaults.parse(v)) is not None}

    def get(self, provider: str, model: str) -> ModelDefaults | None:
        return self._rows.get(key(provider, model))

    def items(self) -> list[tuple[str, str, ModelDefaults]]:
        out = []
        for k, d in sorted(self._rows.items()):
            provider, _, model = k.partition(" ")
            out.append((provider, model, d))
        return out

    async def set(self, provider: str, model: str, defaults: ModelDefaults | None) -> None:
        """Store (None or all fields empty: remove) a model's defaults; written before it applies."""
        rows = dict(self._rows)
        if defaults is None or not defaults.as_dict():
            rows.pop(key(provider, model), None)
        else:
            rows[key(provider, model)] = defaults
        await self.storage.set_setting(SETTING_KEY, {k: d.as_dict() for k, d in rows.items()})
        self._rows = rows

    def apply(self, params: GenerationParams, provider: str, model: str) -> GenerationParams:
        return resolve(params, self.get(provider, model))
