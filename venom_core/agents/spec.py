"""`AgentSpec`: everything Venom knows about one intent and the agent that serves it, in one place.

An agent module declares `register_agents(register)` and calls `register` with one spec per
intent it serves (as simonw/llm's `register_models` hook does): the intent's description (the
LLM classifier's label), its slash-command / `forced_tool` aliases, its en/pl/de lexicon
patterns, the autonomy permission it needs, and the factory that builds its agent from
`AgentDeps`. `agents/catalog.py` collects every such module into the one registry that the
router, the classifier, the task API and the orchestrator read. Adding an agent is one file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from venom_core.agents.base import Agent, Llm
from venom_core.config import Settings
from venom_core.core.fanout import InProcessBus
from venom_core.core.task_service import TaskService
from venom_core.strategy.store import RoadmapStore
from venom_core.tools.invoker import ToolInvoker
from venom_core.tools.registry import ToolRegistry
from venom_core.tools.workspace import Workspace

STRONG = 1.0  # a pattern that decides the intent on its own
WEAK = 0.6  # a pattern that only names a candidate (the message stays plain chat)


@dataclass(frozen=True, slots=True)
class AgentDeps:
    """What the agent factories may use; each agent takes only its own two or three."""

    settings: Settings
    llm: Llm
    workspace: Workspace
    tasks: TaskService
    bus: InProcessBus
    roadmap: RoadmapStore
    tools: ToolRegistry  # the tools there are: the chat agent's tool loop offers them to the model
    # How every agent calls its tools, the chat agent's tool loop too: the approval gate, then the registry.
    invoker: ToolInvoker


@dataclass(frozen=True, slots=True)
class AgentSpec:
    intent: str  # the reference's intent name, e.g. "VERSION_CONTROL"
    description: str  # one line: what the intent is for (the classifier's label)
    # Builds the agent; None for the static intents (help, time, status) answered without a model.
    factory: Callable[[AgentDeps], Agent] | None
    permission: str = "local_read"  # the autonomy permission the agent needs before it runs
    aliases: tuple[str, ...] = ()  # `/alias` slash commands and `forced_tool` values
    commands: tuple[str, ...] = ()  # slash commands only (`/help`): not `forced_tool` values
    # Lexicon: language -> (regex over normalised text, STRONG or WEAK) (see orchestrator/lexicon.py).
    patterns: Mapping[str, Sequence[tuple[str, float]]] = field(default_factory=dict)
    phrases: tuple[str, ...] = ()  # whole messages that are this intent at once (static fast paths)
    tool_intent: bool = False  # runs a tool: wins a close tie between two strong intents
    lessons: bool = False  # relevant lessons are recalled into its context
    rank: int = 100  # listing order (the reference's order of intents)

    @property
    def static(self) -> bool:
        return self.factory is None


Register = Callable[[AgentSpec], None]
