"""What a tool is: a declarative spec, the result of one call, and the errors a caller can act on.

A spec says everything the registry needs to decide before a call (the arguments' JSON schema,
the side effect, the autonomy level) and nothing about how the tool runs: that is the `handler`,
a coroutine the source supplies (a built-in function or an MCP server's `tools/call`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from venom_core.core.errors import VenomError
from venom_core.orchestrator.autonomy import LEVELS_BY_ID, REQUIRED
from venom_core.tools.arguments import ArgumentCheck

FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
SideEffect = Literal["read", "write", "network", "exec"]
SIDE_EFFECTS: tuple[SideEffect, ...] = ("read", "write", "network", "exec")
# The autonomy permission each side effect needs (orchestrator/autonomy.py is the one table of levels).
PERMISSION: dict[str, str] = {"read": "local_read", "network": "network", "write": "file_write", "exec": "shell"}

Handler = Callable[[dict[str, Any]], Awaitable["ToolOutput"]]


@dataclass(frozen=True, slots=True)
class ToolOutput:
    """What a handler returns: the text for the model and whether the tool itself reported an error.
    `data` is the same answer as structured fields, for an agent that calls a built-in tool (it is
    never shown to a model, so the result cap does not apply to it)."""

    text: str
    is_error: bool = False
    data: dict[str, Any] | None = None


@dataclass(slots=True)
class ToolSpec:
    id: str
    function_name: str
    description: str
    input_schema: dict[str, Any]
    source: str  # "builtin" or "mcp:<server>"
    side_effect: SideEffect
    handler: Handler
    # None = the level the side effect needs; a source may only ask for more (a remote server).
    autonomy_level: int | None = None
    title: str | None = None
    # Why the tool cannot be called (an invalid schema, a name clash); None = available.
    unavailable_reason: str | None = None
    timeout_seconds: float | None = None  # None = the registry's per-call timeout
    annotations: dict[str, Any] = field(default_factory=dict)

    @property
    def permission(self) -> str:
        return PERMISSION[self.side_effect]

    @property
    def required_level(self) -> int:
        base = REQUIRED[self.permission]
        return max(base, self.autonomy_level or 0)

    @property
    def available(self) -> bool:
        return self.unavailable_reason is None

    def public(self) -> dict[str, Any]:
        """The spec as `GET /api/v1/tools` shows it."""
        level = self.required_level
        return {
            "id": self.id, "function_name": self.function_name, "title": self.title, "description": self.description,
            "input_schema": self.input_schema, "source": self.source, "side_effect": self.side_effect,
            "permission": self.permission, "autonomy_level": level,
            "autonomy_level_name": LEVELS_BY_ID[level].name if level in LEVELS_BY_ID else str(level),
            "available": self.available, "unavailable_reason": self.unavailable_reason,
            "annotations": self.annotations,
        }


@dataclass(frozen=True, slots=True)
class ToolResult:
    """One call's outcome. Errors are results (`is_error`), so a failing tool never fails a task."""

    result: str
    is_error: bool
    duration_ms: float
    error_code: str | None = None  # stable code when Venom (not the tool) stopped the call
    truncated: bool = False  # the text was longer than the result cap
    call_id: str = ""
    data: dict[str, Any] | None = None  # the handler's structured answer (built-in tools)
    retryable: bool = False  # the failure may pass on a later try (a network error, a timeout)


class ToolError(VenomError):
    """A call the registry refuses outright (the API answers its status; the model loop makes it a result)."""

    status = 400

    def __init__(self, code: str, message: str, details: Any = None):
        super().__init__(code, message, details=details)


class ToolNotFound(ToolError):
    status = 404


class ToolArgumentsInvalid(ToolError):
    status = 422


class ToolUnavailable(ToolError):
    status = 409


def schema_problem(schema: Any) -> str | None:
    """Why `schema` cannot describe a tool's arguments, or None when it can."""
    if not isinstance(schema, dict):
        return "the input schema is not a JSON object"
    if schema.get("type", "object") != "object":
        return f"the input schema's type is {schema.get('type')!r}, not 'object'"
    # Imported here, not at start-up: jsonschema costs ~30 ms to import, and /healthz must not wait for it.
    from jsonschema import SchemaError
    from jsonschema.validators import validator_for

    try:
        validator_for(schema).check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "(root)"
        return f"the input schema is not a valid JSON schema at {where}: {exc.message[:200]}"
    return None


def compile_schema(schema: dict[str, Any]) -> ArgumentCheck:
    """The argument check for a checked schema (compiled once, then kept by the registry)."""
    return ArgumentCheck(schema)


def argument_errors(schema: dict[str, Any], arguments: dict[str, Any],
                    check: ArgumentCheck | None = None) -> list[dict[str, Any]]:
    """The ways `arguments` fail `schema` (empty when they pass), at most 10."""
    return (check or ArgumentCheck(schema)).errors(arguments)
