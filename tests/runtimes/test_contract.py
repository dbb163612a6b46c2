"""One contract, every provider: the same tests run through Venom's HTTP API for each runtime.

embedded = llama.cpp in Venom's process; openai_compatible = a real `llama_cpp.server`;
ollama, openai, google, anthropic = the protocol test double (same engine behind it).
"""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.model_output import CITIES, CITY_QUESTION, CITY_SCHEMA, assert_answer_in_enum, response_format
from tests.runtimes.conftest import OAI_ALIAS, OLLAMA_MODEL, direct, inject, text_of
from tests.sse import Frame, frames

PROVIDERS = {
    "embedded": "SmolLM2-135M-Instruct.Q4_1",
    "ollama": OLLAMA_MODEL,
    "openai_compatible": OAI_ALIAS,
    "openai": "gpt-double",
    "google": "gemini-double",
    "anthropic": "claude-double",
}
DOUBLE_BACKED = {"ollama", "openai", "google", "anthropic"}
# Where each wire protocol carries the schema: Ollama's `format`, OpenAI's `response_format`,
# and for Anthropic a forced tool's `input_schema` (its Messages API has no response_format).
SCHEMA_IN_BODY = {
    "ollama": lambda body: body["format"],
    "openai": lambda body: body["response_format"]["json_schema"]["schema"],
    "google": lambda body: body["response_format"]["json_schema"]["schema"],
    "anthropic": lambda body: body["tools"][0]["input_schema"],
}


def constrained(api: httpx.Client, provider: str) -> list[Frame]:
    """The city question with its answer limited to CITIES: the same kind of answer on every CPU."""
    return direct(api, CITY_QUESTION, provider=provider, max_tokens=40, response_format=response_format(CITY_SCHEMA))


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_streams_a_real_answer(provider: str, api: httpx.Client, ctl: httpx.Client) -> None:
    """Free text through each runtime's plain-text path: its structure only, never its words."""
    fs = direct(api, provider=provider)
    events = [f.event for f in fs]
    assert events[0] == "start" and events[-1] == "done", events
    assert fs[0].data["provider"] == provider
    assert fs[0].data["model"] == PROVIDERS[provider]  # each runtime keeps its own model name
    assert text_of(fs).strip(), "the model answered nothing"
    assert fs[-1].data["chunks"] == events.count("content")
    if provider in DOUBLE_BACKED:
        sent = ctl.get("/_control/log").json()
        assert [e["protocol"] for e in sent] == [{"google": "openai"}.get(provider, provider)]
        assert sent[0]["body"]["model"] == PROVIDERS[provider]


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_json_schema_output(provider: str, api: httpx.Client, ctl: httpx.Client) -> None:
    """The schema-constrained path: an enum answer, streamed, and the same on every CPU."""
    fs = constrained(api, provider)
    events = [f.event for f in fs]
    assert events[0] == "start" and events[-1] == "done", events
    # A JSON object is several tokens whatever the model picks, so this proves streaming.
    assert events.count("content") >= 2, "the answer must arrive as several chunks"
    assert_answer_in_enum(text_of(fs), "city", CITIES)
    if provider in DOUBLE_BACKED:  # the schema reached the upstream in that protocol's own field
        body = ctl.get("/_control/log").json()[0]["body"]
        assert SCHEMA_IN_BODY[provider](body) == CITY_SCHEMA


@pytest.mark.parametrize("provider", sorted(DOUBLE_BACKED))
def test_upstream_error_is_a_clean_error_event(provider: str, api: httpx.Client, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "status", "status": 400})
    fs = direct(api, provider=provider)
    assert [f.event for f in fs] == ["start", "error"]
    assert fs[1].data["code"] == "llm_http_error"
    assert "400" in fs[1].data["message"]


@pytest.mark.parametrize("provider", sorted(DOUBLE_BACKED))
def test_client_disconnect_closes_the_upstream_stream(provider: str, api: httpx.Client, ctl: httpx.Client) -> None:
    """Cancelling the consumer must close the upstream HTTP request (no tokens paid for nothing)."""
    inject(ctl, {"kind": "slow", "pieces": 2000, "delay": 0.02})
    payload = {"content": "Count for me.", "provider": provider, "max_tokens": 4000}
    with api.stream("POST", "/api/v1/llm/simple/stream", json=payload) as r:
        for line in r.iter_lines():
            if line.startswith("event: content"):
                break
    entry = _wait_closed(ctl)
    assert entry["client_left"] is True
    assert entry["chunks_sent"] < 2000


def _wait_closed(ctl: httpx.Client) -> dict[str, object]:
    for _ in range(1200):  # a deadline (60 s) that only ends a hung test
        log = ctl.get("/_control/log").json()
        if log and "closed_at" in log[-1]:
            return dict(log[-1])
        time.sleep(0.05)
    raise AssertionError("the upstream stream was never closed")


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_models_are_listed(provider: str, api: httpx.Client) -> None:
    body = api.get("/api/v1/models").json()
    names = {m["name"] for m in body["models"] if m["provider"] == provider}
    assert PROVIDERS[provider] in names, body
    row = next(p for p in body["providers"] if p["provider"] == provider)
    assert row["error"] is None


def test_embedded_tool_call_output(api: httpx.Client) -> None:
    tool = {"type": "function", "function": {
        "name": "get_weather", "description": "Current weather of a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
    payload = {"content": "What is the weather in Paris?", "max_tokens": 48, "temperature": 0, "tools": [tool],
               "tool_choice": {"type": "function", "function": {"name": "get_weather"}}}
    with api.stream("POST", "/api/v1/llm/simple/stream", json=payload) as r:
        fs = list(frames(r))
    calls = [c for f in fs if f.event == "tool_calls" for c in f.data["tool_calls"]]
    assert fs[-1].event == "done", fs[-1]
    assert [c["function"]["name"] for c in calls] == ["get_weather"]
    assert isinstance(json.loads(calls[0]["function"]["arguments"])["city"], str)
