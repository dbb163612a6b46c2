"""The tool loop: the model chooses tools from the registry, Venom runs them and feeds the results back.

Two ways in, by what the answering runtime can do (its `ProviderSpec` capabilities):
- `tool_calls` (OpenAI-compatible, Ollama, cloud): the model gets every tool the autonomy level
  allows, in the same streamed request as a plain answer. Text chunks go to the task as they come,
  so a direct answer costs nothing extra; only a chunk that carries `tool_calls` makes the loop run
  the calls and ask again, at most `max_steps` times, then once more without tools for the answer.
- `json_schema` only (the embedded model): a small model cannot be trusted to choose among a dozen
  tools, so a tool is called only when the task forces one (`forced_tool` = a tool id). The call is
  grammar-constrained output (`{"name": <enum>, "arguments": <the tool's schema>}`), then the model
  answers from the result.

Every call goes through `ToolRegistry.invoke` with the task's id, so the TOOL_CALL_* events land on
the task's stream and every rule (schema, autonomy, timeout, result cap) applies. A failing tool is
an error result the model reads, never a failed task. The approval gate may stop a call first, and
an MCP tool whose server is still starting is waited for (`tools/invoker.py`, the path the agents'
own tool calls take too).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Literal

from venom_core.agents.base import AgentRun, Llm
from venom_core.runtimes import providers
from venom_core.runtimes.base import ChatMessage, GenerationParams
from venom_core.tools.invoker import ToolInvoker
from venom_core.tools.registry import ToolRegistry
from venom_core.tools.spec import ToolSpec

Mode = Literal["native", "constrained"]
CALL_MAX_TOKENS = 256  # a constrained call is a name and a few arguments, not an essay


class ToolLoop:
    def __init__(self, llm: Llm, tools: ToolRegistry, invoker: ToolInvoker, max_steps: int):
        self.llm = llm
        self.tools = tools  # what the model is offered
        self.invoker = invoker  # how its calls run (tools/invoker.py): the approval gate, then the registry
        self.max_steps = max_steps

    # -- deciding ------------------------------------------------------------------------------
    def forced(self, run: AgentRun) -> ToolSpec | None:
        """The registry tool the task forces (`forced_tool` names a tool id, not an agent alias)."""
        ref = run.route.forced_tool
        return self.tools.get(ref) if ref and ":" in ref else None

    def mode(self, run: AgentRun) -> Mode | None:
        """How this task may call tools, or None for the plain chat stream."""
        try:
            name = self.llm.registry.decide(run.question, forced_provider=run.route.forced_provider).provider
            spec = providers.PROVIDERS.get(name)
        except Exception:  # a refused or unknown runtime: the plain stream reports it as it does today
            return None
        if spec.has("tool_calls"):
            return "native" if self.forced(run) is not None or self.tools.model_tools() else None
        if spec.has("json_schema") and self.forced(run) is not None:
            return "constrained"
        return None

    # -- running -------------------------------------------------------------------------------
    async def run(self, run: AgentRun, messages: list[ChatMessage], params: GenerationParams, mode: Mode) -> str:
        if mode == "constrained":
            return await self._constrained(run, messages, params)
        return await self._native(run, messages, params)

    async def _native(self, run: AgentRun, messages: list[ChatMessage], params: GenerationParams) -> str:
        offered = self.tools.model_tools()
        forced = self.forced(run)
        if forced is not None and all(t["function"]["name"] != forced.function_name for t in offered):
            # Above the autonomy level (or unavailable): offered anyway, so the forced call happens and the
            # registry's refusal, which says how to allow it, reaches the model and the task's events.
            offered.append({"type": "function", "function": {"name": forced.function_name,
                                                             "description": forced.description,
                                                             "parameters": forced.input_schema}})
        choice: dict[str, Any] | None = (
            {"type": "function", "function": {"name": forced.function_name}} if forced is not None else None)
        messages = list(messages)
        answer: list[str] = []
        for step in range(self.max_steps + 1):
            last = step == self.max_steps  # the answer turn: no tools, so the model has to reply
            step_params = replace(params, tools=None if last else offered,
                                  tool_choice=choice if step == 0 and not last else None)
            text: list[str] = []
            calls: list[dict[str, Any]] = []
            async for chunk in self.llm.chunks(run, messages, step_params):
                if chunk.text:
                    text.append(chunk.text)
                    run.ctx.stream(chunk.text)
                if chunk.tool_calls:
                    calls.extend(chunk.tool_calls)
            answer.extend(text)
            if not calls or last:
                break
            messages.append(ChatMessage("assistant", "".join(text), tool_calls=tuple(calls)))
            for call in calls:
                result = await self._call(run, call)
                messages.append(ChatMessage("tool", result, tool_call_id=str(call.get("id") or "")))
        final = "".join(answer)
        if not final.strip():
            final = f"(The model asked for more tool calls after {self.max_steps} steps and gave no answer.)"
            run.ctx.stream(final)
        return final

    async def _constrained(self, run: AgentRun, messages: list[ChatMessage], params: GenerationParams) -> str:
        spec = self.forced(run)
        assert spec is not None  # mode() said so
        schema = {"type": "object", "properties": {"name": {"type": "string", "enum": [spec.function_name]},
                                                   "arguments": spec.input_schema},
                  "required": ["name", "arguments"]}
        ask = [*messages[:-1], ChatMessage("system", f"Call the tool {spec.function_name}: "
                                                     f"{spec.description[:300]} Reply with the call as JSON."),
               messages[-1]]
        call_params = GenerationParams(max_tokens=CALL_MAX_TOKENS, temperature=0.0, json_schema=schema)
        raw = "".join([c.text async for c in self.llm.chunks(run, ask, call_params)])
        call = {"id": "call_0", "type": "function",
                "function": {"name": spec.function_name, "arguments": _arguments_text(raw)}}
        result = await self._call(run, call)
        follow = [*messages, ChatMessage("assistant", raw.strip()),
                  ChatMessage("user", f"The tool {spec.function_name} returned:\n{result[:3000]}\n\n"
                                      f"Using that result, answer: {run.question}")]
        return await self.llm.stream(run, follow, replace(params, tools=None, tool_choice=None))

    async def _call(self, run: AgentRun, call: dict[str, Any]) -> str:
        """One call's result as the text the model reads (errors included, marked as errors)."""
        fn = call.get("function") or {}
        name = str(fn.get("name") or "")
        try:
            arguments = json.loads(fn.get("arguments") or "{}")
        except (TypeError, json.JSONDecodeError):
            arguments = None
        if not isinstance(arguments, dict):
            return f"Error: the arguments of {name} are not a JSON object: {str(fn.get('arguments'))[:200]}"
        result = await self.invoker.call(name, arguments, task_id=run.ctx.task_id, actor="The model's tool call")
        run.ctx.trace("ToolLoop", "tool_call", "error" if result.is_error else "ok", tool=name,
                      call_id=result.call_id, duration_ms=result.duration_ms, error_code=result.error_code)
        return f"Error: {result.result}" if result.is_error else result.result


def _arguments_text(raw: str) -> str:
    """The `arguments` of a constrained `{"name", "arguments"}` reply, as JSON text ("" if unreadable)."""
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return raw[:2000]  # the call fails as "not a JSON object", and the model is told so
    arguments = value.get("arguments") if isinstance(value, dict) else None
    return json.dumps(arguments) if isinstance(arguments, dict) else raw[:2000]
