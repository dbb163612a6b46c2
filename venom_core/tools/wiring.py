"""Build the tool registry (built-in tools + MCP servers) for the app, start and stop it."""

from __future__ import annotations

from venom_core.config import Settings
from venom_core.core.event_log import EventLog
from venom_core.core.masking import known_secrets
from venom_core.net.addresses import AddressPolicy, parse_allow_list
from venom_core.orchestrator.autonomy import AutonomyGate
from venom_core.tools.builtin import BuiltinDeps, builtin_specs
from venom_core.tools.events import CallEvents
from venom_core.tools.mcp.connection import Limits
from venom_core.tools.mcp.manager import McpManager
from venom_core.tools.registry import ToolRegistry


def build_tools(settings: Settings, log: EventLog, autonomy: AutonomyGate,
                builtins: BuiltinDeps) -> tuple[ToolRegistry, McpManager]:
    """The registry with Venom's own tools, and the MCP manager that adds the servers' tools to it."""
    registry = ToolRegistry(autonomy, CallEvents(log, known_secrets(settings)),
                            timeout_seconds=settings.VENOM_TOOL_TIMEOUT_SECONDS,
                            max_result_chars=settings.VENOM_TOOL_MAX_RESULT_CHARS)
    for spec in builtin_specs(builtins):
        registry.register(spec, trusted_schema=True)
    policy = AddressPolicy(allow_private=settings.VENOM_OUTBOUND_ALLOW_PRIVATE,
                           allow=parse_allow_list(settings.VENOM_OUTBOUND_ALLOW_HOSTS))
    limits = Limits(start_timeout=settings.VENOM_MCP_START_TIMEOUT_SECONDS,
                    max_backoff=settings.VENOM_MCP_MAX_BACKOFF_SECONDS, policy=policy,
                    log_dir=settings.VENOM_LOG_DIR)
    return registry, McpManager(settings.mcp_config_path, registry, limits)
