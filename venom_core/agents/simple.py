"""Agents that need no model: the Strategy status report (STATUS_REPORT) and the unsupported-task answer.

Help, time and system status are answered by `core.fast_paths.answer_static`, shared
with the built-in orchestrator, so those texts exist in one place only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from venom_core.agents.base import AgentRun
from venom_core.agents.spec import STRONG, AgentDeps, AgentSpec, Register

if TYPE_CHECKING:
    from venom_core.strategy.store import RoadmapStore


class StatusReportAgent:
    """`/core` and "project status report": the roadmap's markdown progress report."""

    name: ClassVar[str] = "Executive"
    tool: ClassVar[str | None] = "roadmap"

    def __init__(self, roadmap: RoadmapStore):
        self.roadmap = roadmap

    async def run(self, run: AgentRun) -> str:
        from venom_core.strategy.store import report

        text = report(await self.roadmap.tree())
        run.ctx.stream(text)
        return text


class UnsupportedAgent:
    """Intents of the reference that have no agent here yet: say so instead of guessing."""

    name: ClassVar[str] = "UnsupportedAgent"
    tool: ClassVar[str | None] = None

    async def run(self, run: AgentRun) -> str:
        text = (f"Venom has no agent for '{run.route.intent}' yet. I can chat, plan (`/parallel`), answer from git "
                "(`/git`), read and search workspace files (`/file`), search the web (`/web`) and write code "
                "(`/compose`). Type `/help` for the full list.")
        run.ctx.stream(text)
        return text


STATUS_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\b(project|roadmap|progress) (status )?report\b", STRONG), (r"\bhow far (are we|is the project)\b",
                                                                        STRONG)],
    "pl": [(r"\braport (z )?(postepu|postepow|projektu|roadmap\w*)\b", STRONG)],
    "de": [(r"\b(fortschritts|projekt|status)bericht\b", STRONG)],
}


def register_agents(register: Register) -> None:
    register(AgentSpec(
        intent="STATUS_REPORT", description="project roadmap progress report", rank=120,
        factory=lambda d: StatusReportAgent(d.roadmap), aliases=("core",), patterns=STATUS_PATTERNS, tool_intent=True,
    ))

    def unsupported(_: AgentDeps) -> UnsupportedAgent:
        return UnsupportedAgent()

    # Intents of the reference with no agent here yet: they answer so, instead of guessing.
    for intent, rank, aliases, tool in (("TOOL_CREATION", 80, (), False), ("E2E_TESTING", 90, ("test", "input"), True),
                                        ("RELEASE_PROJECT", 110, (), True), ("UNSUPPORTED_TASK", 150, (), False),
                                        ("START_CAMPAIGN", 170, (), False)):
        register(AgentSpec(intent=intent, description=intent.lower().replace("_", " "), rank=rank,
                           factory=unsupported, aliases=aliases, tool_intent=tool))
