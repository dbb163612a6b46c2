"""Agents that need no model: the Strategy status report (STATUS_REPORT) and the unsupported-task answer.

Help, time and system status are answered by `core.fast_paths.answer_static`, shared
with the built-in orchestrator, so those texts exist in one place only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from venom_core.agents.base import AgentRun

if TYPE_CHECKING:
    from venom_core.strategy.store import RoadmapStore


class StatusReportAgent:
    """`/core` and "project status report": the roadmap's markdown progress report."""

    name: ClassVar[str] = "Executive"
    permission: ClassVar[str] = "local_read"
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
    permission: ClassVar[str] = "local_read"
    tool: ClassVar[str | None] = None

    async def run(self, run: AgentRun) -> str:
        text = (f"Venom has no agent for '{run.route.intent}' yet. I can chat, plan (`/parallel`), answer from git "
                "(`/git`), read and search workspace files (`/file`), search the web (`/web`) and write code "
                "(`/compose`). Type `/help` for the full list.")
        run.ctx.stream(text)
        return text
