"""`ProviderSpec`: everything Venom knows about one LLM runtime, declared in one place.

A provider plugin is a module with `register_providers(register)` that calls `register` with
one spec per runtime it offers (as simonw/llm's `register_models` hook does). The built-in
runtimes are such modules in `runtimes/plugins/`, one file each; an installed package can add
its own through the `venom_core.providers` entry point group. `runtimes/providers.py` collects
them into the one registry that the routing policy, the model catalogue, the task API's
`forced_provider`, the slash commands and the settings' provider names all read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from venom_core.config import Settings
from venom_core.runtimes.base import LLMProvider

# What the rest of Venom asks of a runtime by capability instead of by name:
# - "retry": transient errors are retried before the first chunk (HTTP runtimes; not in-process);
# - "probe": a health probe reaches it (local HTTP servers; the cloud is never probed);
# - "connect": an admin may point it at another URL (`endpoint_setting`);
# - "pull": models can be installed through it; "load": it loads model files in this process;
# - "tool_calls": the model chooses tools itself in the chat stream (native `tools`), so the tool loop
#   offers it every tool; without it a tool is only called when the task forces one (constrained output).
Capability = Literal["stream", "json_schema", "tools", "tool_calls", "list_models", "retry", "probe", "connect",
                     "pull", "load"]
Register = Callable[["ProviderSpec"], None]


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    name: str  # the registry key, e.g. "ollama"
    label: str  # what the UI shows
    local: bool  # runs on this machine (False: a paid cloud API)
    # Builds the provider from the settings and its configured model (importing its client lazily).
    factory: Callable[[Settings, str], LLMProvider]
    endpoint: Callable[[Settings], str]  # where it is reached, for status lines and traces
    key_setting: str | None = None  # the setting that holds its API key (cloud runtimes)
    endpoint_setting: str | None = None  # the setting an admin's "connect a model" writes
    model_setting: str | None = None  # its own model setting, which wins over LLM_MODEL_NAME for local runtimes
    default_model: str = ""
    # The model it uses when nothing else names one (the embedded runtime reads its GGUF file name).
    configured_model: Callable[[Settings], str] | None = None
    aliases: tuple[str, ...] = ()  # other names for it: the reference's (`vllm`, `gpt`, `gem`...)
    capabilities: frozenset[Capability] = field(default_factory=frozenset)
    discovery: Literal["ollama", "openai"] | None = None  # the protocol the local server probe finds it by
    rank: int = 100  # listing and preference order (lower first): the cloud default is the first usable
    # An optional runtime that needs setting up first (a model folder to point at) says here whether
    # it is; until then it is left out of the listings, unless it is the active one.
    set_up: Callable[[Settings], bool] | None = None

    @property
    def kind(self) -> Literal["local", "cloud"]:
        return "local" if self.local else "cloud"

    def api_key(self, settings: Settings) -> str:
        if self.key_setting is None:
            return ""
        value = getattr(settings, self.key_setting)
        return value if isinstance(value, str) else ""

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities
