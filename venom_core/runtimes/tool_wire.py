"""Tool turns on the wire: how the HTTP runtimes send a conversation with tool calls and read them back.

Inside Venom a tool call has the OpenAI shape `{"id", "type": "function", "function": {"name",
"arguments"}}` with `arguments` as JSON text (what `agents/tool_loop.py` reads). OpenAI streams a
call as fragments (the first delta of an `index` has the id and name, later ones pieces of the
arguments), so `CallAccumulator` joins them and hands over whole calls only; Ollama sends whole
calls with `arguments` as an object and no id, so `from_ollama` gives them one.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from venom_core.runtimes.base import ChatMessage


def openai_message(m: ChatMessage) -> dict[str, Any]:
    if m.role == "tool":
        return {"role": "tool", "tool_call_id": m.tool_call_id or "", "content": m.content}
    if m.tool_calls:
        return {"role": "assistant", "content": m.content or None, "tool_calls": list(m.tool_calls)}
    return {"role": m.role, "content": m.content}


def ollama_messages(messages: list[ChatMessage]) -> list[dict[str, Any]]:
    names: dict[str, str] = {}  # call id -> function name: Ollama's tool message names the tool, not the call
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.tool_calls:
            calls = []
            for call in m.tool_calls:
                fn = call.get("function") or {}
                names[str(call.get("id"))] = str(fn.get("name", ""))
                calls.append({"function": {"name": fn.get("name", ""), "arguments": _as_object(fn.get("arguments"))}})
            out.append({"role": "assistant", "content": m.content, "tool_calls": calls})
        elif m.role == "tool":
            out.append({"role": "tool", "content": m.content, "tool_name": names.get(m.tool_call_id or "", "")})
        else:
            out.append({"role": m.role, "content": m.content})
    return out


def from_ollama(calls: Any) -> list[dict[str, Any]] | None:
    if not isinstance(calls, list) or not calls:
        return None
    out = []
    for call in calls:
        fn = (call or {}).get("function") or {}
        args = fn.get("arguments")
        out.append({"id": str(call.get("id") or f"call_{uuid.uuid4().hex[:12]}"), "type": "function",
                    "function": {"name": str(fn.get("name", "")),
                                 "arguments": args if isinstance(args, str) else json.dumps(args or {})}})
    return out


def _as_object(arguments: Any) -> Any:
    if isinstance(arguments, str):
        try:
            return json.loads(arguments or "{}")
        except json.JSONDecodeError:
            return {}
    return arguments or {}


class CallAccumulator:
    """Joins OpenAI's streamed tool-call fragments (by `index`) into whole calls."""

    def __init__(self) -> None:
        self._calls: dict[int, dict[str, Any]] = {}

    def feed(self, deltas: Any) -> None:
        if not isinstance(deltas, list):
            return
        for position, delta in enumerate(deltas):
            if not isinstance(delta, dict):
                continue
            index = delta.get("index", position)
            call = self._calls.setdefault(int(index) if isinstance(index, int) else position,
                                          {"id": "", "type": "function", "function": {"name": "", "arguments": ""}})
            if delta.get("id"):
                call["id"] = str(delta["id"])
            fn = delta.get("function") or {}
            if fn.get("name"):
                call["function"]["name"] += str(fn["name"])
            arguments = fn.get("arguments")
            if isinstance(arguments, str):
                call["function"]["arguments"] += arguments
            elif isinstance(arguments, dict):  # a server that sends the object at once
                call["function"]["arguments"] = json.dumps(arguments)

    def take(self) -> list[dict[str, Any]] | None:
        """The whole calls so far (each with an id), then empty."""
        if not self._calls:
            return None
        calls = [self._calls[i] for i in sorted(self._calls)]
        self._calls = {}
        for call in calls:
            call["id"] = call["id"] or f"call_{uuid.uuid4().hex[:12]}"
        return calls
