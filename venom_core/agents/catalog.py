"""The one registry of intents and agents, collected from `AgentSpec`s (see `agents/spec.py`).

Every module of the `venom_core.agents` package that defines `register_agents` registers its
specs through that hook, then every module named by the `venom_core.agents` entry point group
(a plugin). `build_agents` builds each agent once, from the collaborators it needs.
"""

from __future__ import annotations

from collections.abc import Iterator

import venom_core.agents as package
from venom_core.agents.base import Agent
from venom_core.agents.spec import AgentDeps, AgentSpec
from venom_core.plugins import load_hooks

# Plugin modules named here (comma-separated) load too, without a package: a test's fake agent,
# or one being developed (read once, at import, like simonw/llm's LLM_LOAD_PLUGINS).
PLUGINS_VARIABLE = "VENOM_AGENT_PLUGINS"
ENTRY_POINT_GROUP = "venom_core.agents"


class AgentCatalog:
    def __init__(self) -> None:
        self._specs: dict[str, AgentSpec] = {}
        self._aliases: dict[str, str] = {}

    def register(self, spec: AgentSpec) -> None:
        if spec.intent in self._specs:
            raise ValueError(f"the intent {spec.intent} is registered twice")
        for alias in spec.aliases:
            if alias in self._aliases:
                raise ValueError(f"the alias /{alias} of {spec.intent} is taken by {self._aliases[alias]}")
            self._aliases[alias] = spec.intent
        self._specs[spec.intent] = spec
        self._specs = dict(sorted(self._specs.items(), key=lambda kv: (kv[1].rank, kv[0])))

    def __iter__(self) -> Iterator[AgentSpec]:
        return iter(self._specs.values())

    def __contains__(self, intent: object) -> bool:
        return intent in self._specs

    def get(self, intent: str) -> AgentSpec | None:
        return self._specs.get(intent)

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(self._specs)

    def aliases(self) -> dict[str, str]:
        """`forced_tool` / slash alias -> intent (reference §3.3)."""
        return dict(self._aliases)


def load() -> AgentCatalog:
    catalog = AgentCatalog()
    load_hooks(package, "register_agents", ENTRY_POINT_GROUP, PLUGINS_VARIABLE, catalog.register)
    return catalog


AGENTS = load()


def build_agents(deps: AgentDeps) -> dict[str, Agent]:
    """One agent per intent that has one (the static intents are answered by the fast paths)."""
    return {spec.intent: spec.factory(deps) for spec in AGENTS if spec.factory is not None}
