"""The agents by intent, each built once from the few collaborators it uses."""

from __future__ import annotations

from dataclasses import dataclass

from venom_core.agents.architect import ArchitectAgent
from venom_core.agents.base import Agent, Llm
from venom_core.agents.chat import ChatAgent
from venom_core.agents.coder import CoderAgent, CriticAgent
from venom_core.agents.git import GitAgent
from venom_core.agents.librarian import LibrarianAgent
from venom_core.agents.researcher import ResearcherAgent
from venom_core.agents.simple import StatusReportAgent, UnsupportedAgent
from venom_core.agents.workspace import Workspace
from venom_core.config import Settings
from venom_core.core.fanout import InProcessBus
from venom_core.core.task_service import TaskService
from venom_core.net.outbound import OutboundFetcher
from venom_core.strategy.store import RoadmapStore

UNSUPPORTED = ("TOOL_CREATION", "E2E_TESTING", "RELEASE_PROJECT", "START_CAMPAIGN", "UNSUPPORTED_TASK")


@dataclass(frozen=True, slots=True)
class AgentDeps:
    """What the agent factories may use; each agent takes only its own two or three."""

    settings: Settings
    llm: Llm
    workspace: Workspace
    fetcher: OutboundFetcher
    tasks: TaskService
    bus: InProcessBus
    roadmap: RoadmapStore


def build_agents(d: AgentDeps) -> dict[str, Agent]:
    s = d.settings
    chat = ChatAgent(d.llm, s.VENOM_MAX_CONTEXT_CHARS)
    librarian = LibrarianAgent(d.llm, d.workspace)
    unsupported = UnsupportedAgent()
    return {
        "GENERAL_CHAT": chat,
        "KNOWLEDGE_SEARCH": librarian,
        "FILE_OPERATION": librarian,
        "DOCUMENTATION": librarian,
        "CODE_GENERATION": CoderAgent(d.llm, d.workspace),
        "CODE_REVIEW": CriticAgent(d.llm, d.workspace),
        "RESEARCH": ResearcherAgent(d.llm, s.VENOM_SEARCH_URL, d.fetcher),
        "COMPLEX_PLANNING": ArchitectAgent(d.llm, d.tasks, d.bus, s.VENOM_ARCHITECT_RUN_STEPS,
                                           s.VENOM_PLAN_STEP_TIMEOUT_SECONDS),
        "VERSION_CONTROL": GitAgent(d.llm, d.workspace),
        "STATUS_REPORT": StatusReportAgent(d.roadmap),
        **{intent: unsupported for intent in UNSUPPORTED},
    }
