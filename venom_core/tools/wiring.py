"""Build the tool registry (built-in tools + MCP servers) for the app, start and stop it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from venom_core.agents.librarian import LibrarianAgent
from venom_core.core.masking import known_secrets
from venom_core.net.addresses import AddressPolicy, parse_allow_list
from venom_core.net.outbound import outbound_fetcher
from venom_core.orchestrator.autonomy import AutonomyGate
from venom_core.tools.builtin import BuiltinDeps, builtin_specs
from venom_core.tools.events import CallEvents
from venom_core.tools.mcp.connection import Limits
from venom_core.tools.mcp.manager import McpManager
from venom_core.tools.registry import ToolRegistry

if TYPE_CHECKING:
    from venom_core.services import Services


def build_tools(s: Services, autonomy: AutonomyGate) -> None:
    settings = s.settings
    registry = ToolRegistry(autonomy, CallEvents(s.log, known_secrets(settings)),
                            timeout_seconds=settings.VENOM_TOOL_TIMEOUT_SECONDS,
                            max_result_chars=settings.VENOM_TOOL_MAX_RESULT_CHARS)
    orch = s.orchestrator
    assert orch is not None
    deps = BuiltinDeps(
        librarian=LibrarianAgent(orch.llm, orch.workspace),
        fetcher=outbound_fetcher(settings),
        search_url=settings.VENOM_SEARCH_URL,
        memory=lambda: s.memory,
        status=lambda: orch.status(),
        roadmap=lambda: getattr(orch, "roadmap", None),
    )
    for spec in builtin_specs(deps):
        registry.register(spec, trusted_schema=True)
    policy = AddressPolicy(allow_private=settings.VENOM_OUTBOUND_ALLOW_PRIVATE,
                           allow=parse_allow_list(settings.VENOM_OUTBOUND_ALLOW_HOSTS))
    limits = Limits(start_timeout=settings.VENOM_MCP_START_TIMEOUT_SECONDS,
                    max_backoff=settings.VENOM_MCP_MAX_BACKOFF_SECONDS, policy=policy,
                    log_dir=settings.VENOM_LOG_DIR)
    s.tools = registry
    s.mcp = McpManager(settings.mcp_config_path, registry, limits)


async def start_tools(s: Services) -> None:
    if s.mcp is not None:
        await s.mcp.start()  # reads the file; every server then connects in its own background task


async def stop_tools(s: Services) -> None:
    if s.mcp is not None:
        await s.mcp.stop()
