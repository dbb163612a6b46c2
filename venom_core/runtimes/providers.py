"""The one registry of LLM runtimes, collected from `ProviderSpec`s (see `runtimes/spec.py`).

The built-in runtimes register through the same hook as a plugin: every module of
`runtimes/plugins/` that defines `register_providers`, then every module named by the
`venom_core.providers` entry point group. Adding a runtime is one file. The helpers below
answer the questions the policy, the catalogue and the routes ask, by name, from the specs.

Every runtime keeps its OWN model name: the primary uses LLM_MODEL_NAME, the fallback
LLM_FALLBACK_MODEL, and each has a provider-specific setting that wins over both for local
runtimes (see docs/RUNTIMES.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from venom_core.config import Settings
from venom_core.plugins import load_hooks
from venom_core.runtimes import plugins
from venom_core.runtimes.base import LLMProvider, RuntimeError_
from venom_core.runtimes.spec import ProviderSpec

# Plugin modules named here (comma-separated) load too, without a package: a test's fake LLM runtime,
# or one being developed (read once, at import, like simonw/llm's LLM_LOAD_PLUGINS).
PLUGINS_VARIABLE = "VENOM_PROVIDER_PLUGINS"
ENTRY_POINT_GROUP = "venom_core.providers"


class ProviderRegistry:
    def __init__(self) -> None:
        self._specs: dict[str, ProviderSpec] = {}
        self._names: dict[str, str] = {}  # every name and alias -> the runtime's name

    def register(self, spec: ProviderSpec) -> None:
        for key in (spec.name, *spec.aliases):
            owner = self._names.get(key)
            if owner is not None and owner != spec.name:
                raise ValueError(f"the runtime name {key!r} of {spec.name} is already taken by {owner}")
        self._specs[spec.name] = spec
        self._specs = dict(sorted(self._specs.items(), key=lambda kv: (kv[1].rank, kv[0])))
        for key in (spec.name, *spec.aliases):
            self._names[key] = spec.name

    def unregister(self, name: str) -> None:
        """Take a runtime out again (a test's fake runtime, registered for one test)."""
        spec = self._specs.pop(name, None)
        if spec is not None:
            for key in (spec.name, *spec.aliases):
                self._names.pop(key, None)

    @contextlib.contextmanager
    def registered(self, spec: ProviderSpec) -> Iterator[ProviderSpec]:
        """`with PROVIDERS.registered(spec):` the runtime is known everywhere, then gone."""
        self.register(spec)
        try:
            yield spec
        finally:
            self.unregister(spec.name)

    def __iter__(self) -> Iterator[ProviderSpec]:
        return iter(self._specs.values())

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def get(self, name: str) -> ProviderSpec:
        spec = self._specs.get(name)
        if spec is None:
            raise RuntimeError_("unknown_provider", f"There is no runtime named {name!r}; known: "
                                f"{', '.join(self._specs)}.")
        return spec

    def canonical(self, name: str) -> str | None:
        """The runtime a name or alias means (`vllm` -> `openai_compatible`), or None."""
        return self._names.get(name.strip().lower())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._specs)

    # Views by kind, in rank order (the built-ins: embedded, ollama, openai_compatible / openai,
    # google, anthropic); read live, so a runtime registered later is in them too.
    @property
    def local_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._specs.values() if s.local)

    @property
    def cloud_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._specs.values() if not s.local)

    @property
    def labels(self) -> dict[str, str]:
        return {s.name: s.label for s in self._specs.values()}

    def aliases(self) -> dict[str, str]:
        """Every accepted name -> the runtime: the task API's `forced_provider`, the settings, `/gpt`."""
        return dict(self._names)


def load() -> ProviderRegistry:
    registry = ProviderRegistry()
    load_hooks(plugins, "register_providers", ENTRY_POINT_GROUP, PLUGINS_VARIABLE, registry.register)
    return registry


PROVIDERS = load()


def is_local(name: str) -> bool:
    return name in PROVIDERS and PROVIDERS.get(name).local


def api_key(settings: Settings, name: str) -> str:
    return PROVIDERS.get(name).api_key(settings) if name in PROVIDERS else ""


def endpoint(settings: Settings, name: str) -> str:
    return PROVIDERS.get(name).endpoint(settings)


def primary(settings: Settings) -> str:
    """LLM_PROVIDER as a runtime name (the reference's names are accepted: `vllm`, `gpt`...), or as written."""
    return PROVIDERS.canonical(settings.LLM_PROVIDER) or settings.LLM_PROVIDER.strip().lower()


def fallback(settings: Settings) -> str:
    """LLM_FALLBACK_PROVIDER as a runtime name, or "" when unset."""
    raw = settings.LLM_FALLBACK_PROVIDER
    return (PROVIDERS.canonical(raw) or raw.strip().lower()) if raw.strip() else ""


def model_of(settings: Settings, spec: ProviderSpec) -> str:
    """The configured model of one runtime: its own setting, then its role, then a default."""
    if spec.configured_model is not None:
        return spec.configured_model(settings)
    specific = str(getattr(settings, spec.model_setting) or "") if spec.model_setting else ""
    if specific and spec.local:
        return specific
    if spec.name == fallback(settings) and settings.LLM_FALLBACK_MODEL:
        return settings.LLM_FALLBACK_MODEL
    if spec.name == primary(settings) and settings.LLM_MODEL_NAME:
        return settings.LLM_MODEL_NAME
    return specific or spec.default_model


def set_up(settings: Settings, name: str) -> bool:
    spec = PROVIDERS.get(name)
    return spec.set_up is None or spec.set_up(settings)


def model_name(settings: Settings, name: str) -> str:
    return model_of(settings, PROVIDERS.get(name))


def build(settings: Settings, name: str) -> LLMProvider:
    spec = PROVIDERS.get(name)
    return spec.factory(settings, model_of(settings, spec))
