"""The one tool registry: every tool Venom can call, whatever its source, and the one way to call it.

Sources register and unregister their tools as a group (`builtin`, `mcp:<server>`), so an MCP
server's tools appear when it is ready and disappear when it stops. `invoke` is the only call
path: it checks the tool is available, validates the arguments against the schema, asks the
autonomy gate (a tool above the current level is refused before it runs), applies the per-call
timeout and the result cap, and records the call's events. Whatever goes wrong becomes an
`is_error` result: a tool can never crash the task that called it.

Autonomy is only read here, never set: no tool, description or result can change the level.
"""

from __future__ import annotations

import asyncio
import builtins
import itertools
import os
import time
from typing import Any

from loguru import logger

from venom_core import tracer
from venom_core.core.models import TaskFailure
from venom_core.orchestrator.autonomy import REQUIRED, AutonomyDenied, AutonomyGate
from venom_core.tools.arguments import ArgumentCheck
from venom_core.tools.events import CallEvents
from venom_core.tools.spec import (
    FUNCTION_NAME,
    ToolArgumentsInvalid,
    ToolError,
    ToolNotFound,
    ToolOutput,
    ToolResult,
    ToolSpec,
    ToolUnavailable,
    argument_errors,
    compile_schema,
    schema_problem,
)

# A call's id: this process's random prefix and a counter (unique like a uuid4's 16 hex digits in
# practice, without asking the OS for randomness on every call).
_PROCESS = os.urandom(4).hex()
_CALLS = itertools.count(1)


def new_call_id() -> str:
    return f"{_PROCESS}{next(_CALLS) & 0xFFFFFFFF:08x}"


class ToolRegistry:
    def __init__(self, autonomy: AutonomyGate, events: CallEvents, *, timeout_seconds: float,
                 max_result_chars: int):
        self.autonomy = autonomy
        self.events = events
        self.timeout_seconds = timeout_seconds
        self.max_result_chars = max_result_chars
        self._by_id: dict[str, ToolSpec] = {}
        self._by_name: dict[str, ToolSpec] = {}
        self._validators: dict[str, ArgumentCheck] = {}  # tool id -> compiled argument check

    # -- registration --------------------------------------------------------------------------
    def register(self, spec: ToolSpec, *, trusted_schema: bool = False) -> ToolSpec:
        """Add `spec` (replacing a tool with the same id). A spec that cannot be offered to a model
        (a bad function name, an invalid schema, a name another tool holds) is kept but unavailable,
        with the reason, so the admin sees why. `trusted_schema`: Venom's own tools, whose schemas
        the tests check, skip the schema check, so start-up does not import jsonschema."""
        old = self._by_id.pop(spec.id, None)
        if old is not None and self._by_name.get(old.function_name) is old:
            del self._by_name[old.function_name]
        problem = spec.unavailable_reason
        if problem is None and not FUNCTION_NAME.match(spec.function_name):
            problem = f"the function name {spec.function_name!r} does not match {FUNCTION_NAME.pattern}"
        if problem is None and not trusted_schema:
            problem = schema_problem(spec.input_schema)
        holder = self._by_name.get(spec.function_name)
        if problem is None and holder is not None:
            problem = f"the function name {spec.function_name!r} is already used by {holder.id}"
        spec.unavailable_reason = problem
        self._validators.pop(spec.id, None)
        self._by_id[spec.id] = spec
        if holder is None:
            self._by_name[spec.function_name] = spec
        if problem:
            logger.bind(no_ws=True).warning("tool {} is unavailable: {}", spec.id, problem)
        return spec

    def unregister_source(self, source: str) -> int:
        gone = [spec for spec in self._by_id.values() if spec.source == source]
        for spec in gone:
            del self._by_id[spec.id]
            self._validators.pop(spec.id, None)
            if self._by_name.get(spec.function_name) is spec:
                del self._by_name[spec.function_name]
        return len(gone)

    def list(self) -> list[ToolSpec]:
        return sorted(self._by_id.values(), key=lambda s: (s.source != "builtin", s.source, s.id))

    def get(self, ref: str) -> ToolSpec | None:
        """A tool by id, else by function name."""
        return self._by_id.get(ref) or self._by_name.get(ref)

    def model_tools(self) -> builtins.list[dict[str, Any]]:
        """The tools a model may be offered now, as OpenAI-style function definitions: available ones
        the current autonomy level allows (a refused tool is not worth a model's step)."""
        level = self.autonomy.effective_level
        return [
            {"type": "function", "function": {"name": s.function_name, "description": s.description,
                                              "parameters": s.input_schema}}
            for s in self.list() if s.available and s.required_level <= level
        ]

    # -- calling -------------------------------------------------------------------------------
    def check(self, ref: str, arguments: dict[str, Any]) -> ToolSpec:
        """The tool `ref` names, if it exists, is available and `arguments` fit its schema."""
        spec = self.get(ref)
        if spec is None:
            raise ToolNotFound("tool_not_found", f"There is no tool '{ref}'. GET /api/v1/tools lists the tools.")
        if spec.unavailable_reason is not None:
            raise ToolUnavailable("tool_unavailable",
                                  f"The tool '{spec.id}' is unavailable: {spec.unavailable_reason}.")
        validator = self._validators.get(spec.id)
        if validator is None:  # compiled on the first call, then kept
            validator = self._validators[spec.id] = compile_schema(spec.input_schema)
        errors = argument_errors(spec.input_schema, arguments, validator)
        if errors:
            first = errors[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ToolArgumentsInvalid("tool_arguments_invalid",
                                       f"The arguments do not fit the tool's input schema: {where}: {first['msg']}.",
                                       errors)
        return spec

    async def invoke(self, ref: str, arguments: dict[str, Any], *, task_id: str | None = None,
                     actor: str = "A tool call", timeout_seconds: float | None = None) -> ToolResult:
        """Run one call under every rule above; never raises for a tool's failure."""
        call_id = new_call_id()
        start = time.perf_counter()
        try:
            spec = self.check(ref, arguments)
        except ToolError as exc:
            # No spec to record events against for an unknown tool; the caller gets the reason.
            known = self.get(ref)
            result = ToolResult(exc.message, True, _ms(start), exc.code, call_id=call_id)
            if known is not None:
                self.events.started(known, call_id, arguments, task_id)
                self.events.finished(known, result, task_id)
            return result
        self.events.started(spec, call_id, arguments, task_id)
        result = await self._run(spec, arguments, call_id, start, actor, timeout_seconds)
        self.events.finished(spec, result, task_id)
        return result

    async def _run(self, spec: ToolSpec, arguments: dict[str, Any], call_id: str, start: float, actor: str,
                   timeout_seconds: float | None) -> ToolResult:
        refusal = self._refusal(spec, actor)
        if refusal is not None:
            return ToolResult(refusal, True, _ms(start), "autonomy_denied", call_id=call_id)
        timeout = timeout_seconds or spec.timeout_seconds or self.timeout_seconds
        try:
            async with asyncio.timeout(timeout):
                output = await spec.handler(arguments)
        except TimeoutError:
            return ToolResult(f"The tool '{spec.function_name}' did not answer within {timeout:g} s, so the call "
                              "was stopped.", True, _ms(start), "tool_timeout", call_id=call_id, retryable=True)
        except ToolError as exc:
            return ToolResult(exc.message, True, _ms(start), exc.code, call_id=call_id)
        except Exception as exc:  # a handler's failure is the call's result, never the task's crash
            code, message = _describe(exc)
            return ToolResult(f"The tool '{spec.function_name}' failed: {message}", True, _ms(start), code,
                              call_id=call_id, retryable=bool(getattr(exc, "retryable", False)))
        return self._capped(output, start, call_id)

    def _refusal(self, spec: ToolSpec, actor: str) -> str | None:
        need = spec.required_level
        level = self.autonomy.effective_level  # an allowed-once task's grant counts
        if level >= need:
            return None
        # The permission whose level is needed: the side effect's, or `network` for a remote server's tool.
        permission = next((p for p, lv in REQUIRED.items() if lv == need), spec.permission)
        denied = AutonomyDenied(permission, level, f"{actor} to '{spec.function_name}'", self.autonomy.allow_once_max)
        # The task records the refusal with its actions, so its answer can offer to allow it once.
        tracer.set_context(autonomy_refusal=denied.refusal(tracer.scope()))
        return denied.message

    def _capped(self, output: ToolOutput, start: float, call_id: str) -> ToolResult:
        text, cap = output.text, self.max_result_chars
        if len(text) <= cap:
            return ToolResult(text, output.is_error, _ms(start), None, call_id=call_id, data=output.data)
        note = f"\n… [result truncated: {len(text) - cap:,} more characters; the cap is {cap:,}]"
        return ToolResult(text[:cap] + note, output.is_error, _ms(start), None, truncated=True, call_id=call_id,
                          data=output.data)


def _describe(exc: Exception) -> tuple[str, str]:
    """A failure's stable code and sentence (TaskFailure, MemoryUnavailable, OutboundError, any other)."""
    if isinstance(exc, TaskFailure):
        return exc.error.code, exc.error.message
    code = str(getattr(exc, "code", "") or "tool_failed")
    return code, str(getattr(exc, "message", "") or exc) or type(exc).__name__


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
