"""The pure parts of the registry: names, side effects from annotations, schema checks, masking of the config."""

from __future__ import annotations

from mcp_types import ToolAnnotations

from venom_core.core.masking import MASK
from venom_core.tools.mcp.config import McpConfig, keep_masked
from venom_core.tools.mcp.env import child_environment
from venom_core.tools.mcp.naming import function_name, tool_id
from venom_core.tools.mcp.translate import side_effect_of
from venom_core.tools.spec import FUNCTION_NAME, argument_errors, schema_problem


def test_function_names_are_valid_and_distinct() -> None:
    assert function_name("files", "read_file") == "files__read_file"
    assert tool_id("files", "read.file") == "mcp:files:read.file"
    odd = [function_name("files", n) for n in ("read.file", "read/file", "x" * 200, "y" * 200, "ünï")]
    assert all(FUNCTION_NAME.match(n) for n in odd)
    assert len(set(odd)) == len(odd)


def test_side_effect_from_annotations() -> None:
    assert side_effect_of(None) == "write"
    assert side_effect_of(ToolAnnotations()) == "write"
    assert side_effect_of(ToolAnnotations(read_only_hint=True)) == "read"
    assert side_effect_of(ToolAnnotations(read_only_hint=True, open_world_hint=True)) == "network"
    assert side_effect_of(ToolAnnotations(read_only_hint=False, destructive_hint=False)) == "write"


def test_schema_checks() -> None:
    assert schema_problem({"type": "object", "properties": {"a": {"type": "integer"}}}) is None
    assert "not a valid JSON schema" in str(schema_problem({"type": "object", "properties": {"a": {"type": 5}}}))
    assert "not 'object'" in str(schema_problem({"type": "string"}))
    assert schema_problem([]) is not None
    errors = argument_errors({"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}, {})
    assert errors and errors[0]["loc"] == ["arguments"]


def test_child_environment_is_an_allow_list() -> None:
    parent = {"PATH": "/bin", "HOME": "/h", "VENOM_API_TOKEN": "t" * 20, "OPENAI_API_KEY": "sk-x", "LANG": "C"}
    env = child_environment({"OWN": "1"}, parent)
    assert env == {"PATH": "/bin", "HOME": "/h", "LANG": "C", "OWN": "1"}


def test_masked_config_and_masked_values_sent_back() -> None:
    old = McpConfig.model_validate({"mcpServers": {"s": {"url": "http://127.0.0.1:1/mcp",
                                                          "headers": {"Authorization": "Bearer abcdef123"},
                                                          "env": {}},
                                                    "t": {"command": "x", "env": {"MY_TOKEN": "secret-1", "N": "1"}}}})
    shown = old.masked()["mcpServers"]
    assert shown["s"]["headers"]["Authorization"] == MASK and shown["t"]["env"] == {"MY_TOKEN": MASK, "N": "1"}
    back = keep_masked(McpConfig.model_validate({"mcpServers": shown}), old)
    assert back.mcpServers["t"].env["MY_TOKEN"] == "secret-1"
    assert back.mcpServers["s"].headers["Authorization"] == "Bearer abcdef123"


def test_masked_args_and_extra_fields() -> None:
    secret = "sk-abcdefghijklmnop123456"
    old = McpConfig.model_validate({"mcpServers": {"t": {"command": "x", "args": ["--key", secret],
                                                          "type": "stdio", "apiKey": "plain-secret-1"}}})
    shown = old.masked()["mcpServers"]["t"]
    assert secret not in str(shown) and "plain-secret-1" not in str(shown) and shown["type"] == "stdio"
    back = keep_masked(McpConfig.model_validate({"mcpServers": {"t": shown}}), old)
    assert back.mcpServers["t"].args == ["--key", secret]
    assert back.model_dump()["mcpServers"]["t"]["apiKey"] == "plain-secret-1"


def test_model_tools_follow_availability_and_autonomy() -> None:
    import asyncio

    from tests.tools.conftest import KeptEvents
    from venom_core.orchestrator.autonomy import AutonomyGate
    from venom_core.storage.settings_kv import MemorySettings
    from venom_core.tools.events import CallEvents
    from venom_core.tools.registry import ToolRegistry
    from venom_core.tools.spec import ToolOutput, ToolSpec

    async def noop(_: dict[str, object]) -> ToolOutput:
        return ToolOutput("ok")

    gate = AutonomyGate(MemorySettings(), 0)
    log = KeptEvents()
    reg = ToolRegistry(gate, CallEvents(log), timeout_seconds=5, max_result_chars=1000)
    schema = {"type": "object", "properties": {}}
    reg.register(ToolSpec("a", "a", "", schema, "builtin", "read", noop))
    reg.register(ToolSpec("b", "b", "", schema, "mcp:r", "read", noop, autonomy_level=10))  # a remote server
    reg.register(ToolSpec("c", "c", "", {"type": "object", "properties": {"x": {"type": 1}}}, "builtin", "read", noop))
    reg.register(ToolSpec("d", "a", "", schema, "builtin", "read", noop))  # a function name already taken
    assert [t["function"]["name"] for t in reg.model_tools()] == ["a"]
    assert reg.get("d") is not None and "already used" in str(reg.get("d").unavailable_reason)  # type: ignore[union-attr]
    refused = asyncio.run(reg.invoke("b", {}))
    assert refused.error_code == "autonomy_denied" and "'network', which requires autonomy level 10" in refused.result
    assert log.events == [(None, "TOOL_CALL_STARTED"), (None, "TOOL_CALL_FAILED")]  # a refusal is on the record
    gate.level = 10
    assert [t["function"]["name"] for t in reg.model_tools()] == ["a", "b"]
    assert asyncio.run(reg.invoke("b", {})).result == "ok"
    assert reg.unregister_source("mcp:r") == 1 and reg.get("b") is None


def test_builtin_schemas_are_valid() -> None:
    """Built-in tools skip the schema check at start-up; this is where their schemas are checked."""
    from types import SimpleNamespace
    from typing import Any, cast

    from venom_core.tools.builtin import builtin_specs

    deps = cast(Any, SimpleNamespace(workspace=None))
    specs = builtin_specs(deps)
    assert specs and all(schema_problem(s.input_schema) is None and FUNCTION_NAME.match(s.function_name)
                         for s in specs)
