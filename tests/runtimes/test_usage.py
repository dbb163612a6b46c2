"""Usage accounting through the public API: the token counts on a task and on the direct stream's
`done` frame are what the upstream reported, and the sums add up across calls and survive a restart.

The protocol double is told which counts to report (`/_control/usage`), so the numbers are exact;
the model's words are never asserted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.runtimes.conftest import OAI_ALIAS, OLLAMA_MODEL, QUESTION, cloud_env, direct, start_venom, wait_task
from tests.sse import frames

PRICES = {"openai/gpt-double": {"prompt": 1.5, "completion": 2.0}}


@pytest.fixture(scope="module")
def usage_venom(tmp_path_factory: pytest.TempPathFactory, double: str, llama_server: str,
                gguf: Path) -> Iterator[LiveServer]:
    srv = start_venom(
        tmp_path_factory, "venom-usage",
        LLM_PROVIDER="ollama", LLM_WARMUP_ON_STARTUP="false", VENOM_EMBEDDED_THREADS="1",
        VENOM_OLLAMA_ENDPOINT=double, VENOM_OLLAMA_MODEL=OLLAMA_MODEL,
        VENOM_OPENAI_COMPATIBLE_ENDPOINT=llama_server, VENOM_OPENAI_COMPATIBLE_MODEL=OAI_ALIAS,
        VENOM_MODEL_PRICES=json.dumps(PRICES), **cloud_env(double),
    )
    yield srv
    srv.stop()


@pytest.fixture
def uapi(usage_venom: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=usage_venom.url, timeout=120) as c:
        yield c


def report(ctl: httpx.Client, prompt: int, completion: int) -> None:
    ctl.post("/_control/usage", json={"prompt_tokens": prompt, "completion_tokens": completion}).raise_for_status()


def done_usage(frames: list[Any]) -> dict[str, Any]:
    assert frames[-1].event == "done", frames[-1]
    usage: dict[str, Any] = frames[-1].data["usage"]
    return usage


def row(totals: dict[str, Any], provider: str, model: str) -> dict[str, Any]:
    found = [m for m in totals["models"] if (m["provider"], m["model"]) == (provider, model)]
    return found[0] if found else {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0}


def test_task_usage_is_what_ollama_reported(uapi: httpx.Client, ctl: httpx.Client) -> None:
    report(ctl, 17, 5)
    tid = uapi.post("/api/v1/tasks", json={"content": QUESTION, "forced_intent": "GENERAL_CHAT",
                                           "forced_provider": "ollama", "store_knowledge": False,
                                           "generation_params": {"max_tokens": 16}}).json()["task_id"]
    task = wait_task(uapi, tid)
    assert task["status"] == "COMPLETED", task
    usage = task["usage"]
    assert usage["calls"] and all(c == {"provider": "ollama", "model": OLLAMA_MODEL, "prompt_tokens": 17,
                                        "completion_tokens": 5, "estimated": False} for c in usage["calls"])
    n = len(usage["calls"])
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]) == (17 * n, 5 * n, 22 * n)
    assert usage["estimated"] is False
    with uapi.stream("GET", f"/api/v1/tasks/{tid}/stream") as r:  # the finished frame carries it too
        finished = [f for f in frames(r) if f.event == "task_finished"]
    assert finished and finished[-1].data["usage"] == usage


@pytest.mark.parametrize(("provider", "model", "counts"),
                         [("openai", "gpt-double", (23, 7)), ("anthropic", "claude-double", (29, 3)),
                          ("ollama", OLLAMA_MODEL, (11, 4))])
def test_direct_stream_done_frame_has_the_upstream_usage(uapi: httpx.Client, ctl: httpx.Client, provider: str,
                                                         model: str, counts: tuple[int, int]) -> None:
    report(ctl, *counts)
    usage = done_usage(direct(uapi, provider=provider, max_tokens=8))
    assert usage["calls"] == [{"provider": provider, "model": model, "prompt_tokens": counts[0],
                               "completion_tokens": counts[1], "estimated": False}]
    assert usage["total_tokens"] == sum(counts)
    if provider == "openai":  # the stream asked for the counts
        assert ctl.get("/_control/log").json()[-1]["body"]["stream_options"] == {"include_usage": True}


def test_embedded_counts_match_llama_cpp_servers_usage(uapi: httpx.Client, llama_server: str) -> None:
    """The embedded runtime counts with the model's tokenizer: its prompt count equals what llama.cpp's
    own server reports for the same message and the same GGUF."""
    usage = done_usage(direct(uapi, provider="embedded", max_tokens=8))
    call = usage["calls"][0]
    assert call["estimated"] is False
    assert isinstance(call["completion_tokens"], int) and 0 < call["completion_tokens"] <= 8
    upstream = httpx.post(f"{llama_server}/v1/chat/completions", timeout=120, json={
        "model": OAI_ALIAS, "messages": [{"role": "user", "content": QUESTION}], "max_tokens": 8,
        "temperature": 0}).json()["usage"]
    assert call["prompt_tokens"] == upstream["prompt_tokens"] > 0


def test_openai_compatible_server_without_stream_usage_is_estimated(uapi: httpx.Client) -> None:
    """llama-cpp-python's server ignores `stream_options`: the counts are then an estimate, and say so."""
    usage = done_usage(direct(uapi, provider="openai_compatible", max_tokens=8))
    call = usage["calls"][0]
    assert (call["provider"], call["model"]) == ("openai_compatible", OAI_ALIAS)
    assert isinstance(call["prompt_tokens"], int) and call["prompt_tokens"] > 0
    assert isinstance(call["completion_tokens"], int) and call["completion_tokens"] > 0
    assert call["estimated"] is True and usage["estimated"] is True


def test_sums_add_up_cost_and_survive_a_restart(usage_venom: LiveServer, ctl: httpx.Client) -> None:
    with httpx.Client(base_url=usage_venom.url, timeout=120) as c:
        before = c.get("/api/v1/metrics/tokens").json()
        report(ctl, 100, 40)
        for _ in range(2):
            done_usage(direct(c, provider="openai", max_tokens=4))
        report(ctl, 9, 2)
        done_usage(direct(c, provider="ollama", max_tokens=4))
        after = c.get("/api/v1/metrics/tokens").json()
        # The same sums; each path adds the reference client's own fields (resources, breakdown).
        shared = ("since", "source", "calls", "prompt_tokens", "completion_tokens", "total_tokens", "cost_usd",
                  "currency", "models")
        models_usage = c.get("/api/v1/models/usage").json()
        assert {k: models_usage[k] for k in shared} == {k: after[k] for k in shared}
        prom = c.get("/metrics").text
    gpt, gpt0 = row(after, "openai", "gpt-double"), row(before, "openai", "gpt-double")
    assert (gpt["calls"] - gpt0["calls"], gpt["prompt_tokens"] - gpt0["prompt_tokens"],
            gpt["completion_tokens"] - gpt0["completion_tokens"]) == (2, 200, 80)
    oll, oll0 = row(after, "ollama", OLLAMA_MODEL), row(before, "ollama", OLLAMA_MODEL)
    assert (oll["prompt_tokens"] - oll0["prompt_tokens"], oll["completion_tokens"] - oll0["completion_tokens"]) \
        == (9, 2)
    assert after["prompt_tokens"] == sum(m["prompt_tokens"] for m in after["models"])
    assert after["total_tokens"] == after["prompt_tokens"] + after["completion_tokens"]
    assert gpt["cost_usd"] == round((gpt["prompt_tokens"] * 1.5 + gpt["completion_tokens"] * 2.0) / 1e6, 6)
    assert oll["cost_usd"] is None  # no price for it
    assert f'venom_llm_prompt_tokens_total{{provider="openai",model="gpt-double"}} {gpt["prompt_tokens"]}' in prom
    usage_venom.restart()
    with httpx.Client(base_url=usage_venom.url, timeout=120) as c:
        assert c.get("/api/v1/metrics/tokens").json() == after
