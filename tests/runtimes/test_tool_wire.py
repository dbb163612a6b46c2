"""Tool turns on each runtime's wire (pure functions, no server): what is sent and how streamed calls
are joined. The OpenAI-compatible path end to end is in tests/tools/test_tool_loop.py."""

from __future__ import annotations

import json

from venom_core.runtimes.anthropic import ToolUses
from venom_core.runtimes.anthropic import request_body as anthropic_body
from venom_core.runtimes.base import ChatMessage, GenerationParams
from venom_core.runtimes.ollama import chat_body
from venom_core.runtimes.openai_compat import request_body as openai_body
from venom_core.runtimes.tool_wire import CallAccumulator, from_ollama

CALL = {"id": "call_1", "type": "function", "function": {"name": "demo__add", "arguments": '{"a": 2, "b": 3}'}}
TOOLS = [{"type": "function", "function": {"name": "demo__add", "description": "Add.",
                                           "parameters": {"type": "object", "properties": {}}}}]
TURNS = [ChatMessage("system", "sys"), ChatMessage("user", "add"),
         ChatMessage("assistant", "", tool_calls=(CALL,)), ChatMessage("tool", "5", tool_call_id="call_1")]


def test_openai_fragments_are_joined_by_index() -> None:
    acc = CallAccumulator()
    acc.feed([{"index": 0, "id": "call_9", "type": "function", "function": {"name": "demo__add", "arguments": ""}}])
    acc.feed([{"index": 0, "function": {"arguments": '{"a": '}}])
    acc.feed([{"index": 1, "id": "call_10", "function": {"name": "time_now", "arguments": "{}"}}])
    acc.feed([{"index": 0, "function": {"arguments": "2}"}}])
    calls = acc.take()
    assert calls is not None and [c["id"] for c in calls] == ["call_9", "call_10"]
    assert json.loads(calls[0]["function"]["arguments"]) == {"a": 2}
    assert acc.take() is None


def test_openai_body_carries_tool_turns() -> None:
    body = openai_body(TURNS, GenerationParams(tools=TOOLS), "m", "openai")
    assert body["messages"][2] == {"role": "assistant", "content": None, "tool_calls": [CALL]}
    assert body["messages"][3] == {"role": "tool", "tool_call_id": "call_1", "content": "5"}
    assert body["tools"] == TOOLS


def test_ollama_turns_and_calls() -> None:
    body = chat_body(TURNS, GenerationParams(tools=TOOLS), "m", {}, "5m")
    assert body["messages"][2]["tool_calls"] == [{"function": {"name": "demo__add", "arguments": {"a": 2, "b": 3}}}]
    assert body["messages"][3] == {"role": "tool", "content": "5", "tool_name": "demo__add"}
    calls = from_ollama([{"function": {"name": "demo__add", "arguments": {"a": 1}}}])
    assert calls is not None and calls[0]["id"] and json.loads(calls[0]["function"]["arguments"]) == {"a": 1}
    assert from_ollama(None) is None


def test_anthropic_tool_use_blocks() -> None:
    params = GenerationParams(tools=TOOLS, tool_choice={"type": "function", "function": {"name": "demo__add"}})
    body = anthropic_body(TURNS, params, "m")
    assert body["tools"][0]["name"] == "demo__add" and body["tool_choice"] == {"type": "tool", "name": "demo__add"}
    assert body["messages"][1]["content"] == [{"type": "tool_use", "id": "call_1", "name": "demo__add",
                                               "input": {"a": 2, "b": 3}}]
    assert body["messages"][2] == {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "call_1", "content": "5"}]}
    uses = ToolUses()
    assert uses.start({"index": 1, "content_block": {"type": "tool_use", "id": "tu_1", "name": "demo__add"}})
    assert uses.feed({"index": 1, "delta": {"type": "input_json_delta", "partial_json": '{"a": 4'}})
    assert uses.feed({"index": 1, "delta": {"type": "input_json_delta", "partial_json": "}"}})
    assert not uses.feed({"index": 0, "delta": {"type": "text_delta", "text": "hi"}})  # text stays text
    assert uses.take() == [{"id": "tu_1", "type": "function",
                            "function": {"name": "demo__add", "arguments": '{"a": 4}'}}]
