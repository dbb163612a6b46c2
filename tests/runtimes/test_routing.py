"""Retry, no-retry, mid-stream failure, timeout, fallback and routing policy, through the HTTP API."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer
from tests.model_output import CITIES, CITY_QUESTION, CITY_SCHEMA, assert_answer_in_enum, response_format
from tests.runtimes.conftest import (
    OAI_ALIAS,
    OLLAMA_MODEL,
    QUESTION,
    direct,
    inject,
    start_venom,
    text_of,
    wait_runtime,
    wait_task,
)
from tests.sse import structured


def sent(ctl: httpx.Client) -> list[dict[str, object]]:
    return list(ctl.get("/_control/log").json())


def test_transient_error_before_first_chunk_is_retried(api: httpx.Client, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "status", "status": 429})
    fs = direct(api, CITY_QUESTION, provider="ollama", max_tokens=40, response_format=response_format(CITY_SCHEMA))
    assert fs[-1].event == "done", fs[-1]
    assert_answer_in_enum(text_of(fs), "city", CITIES)  # the retried request gave the whole answer
    assert len(sent(ctl)) == 2  # OLLAMA_RETRY_MAX_ATTEMPTS=2: one retry


def test_retries_stop_after_the_configured_attempts(api: httpx.Client, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "status", "status": 503}, {"kind": "status", "status": 503}, {"kind": "status", "status": 503})
    fs = direct(api, provider="ollama")
    assert fs[-1].event == "error" and fs[-1].data["code"] == "llm_http_error"
    assert len(sent(ctl)) == 2


def test_non_transient_error_is_not_retried(api: httpx.Client, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "status", "status": 404})
    fs = direct(api, provider="openai")
    assert fs[-1].event == "error" and "404" in fs[-1].data["message"]
    assert len(sent(ctl)) == 1


def test_mid_stream_drop_is_an_error_and_never_retried(api: httpx.Client, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "drop_after", "chunks": 2})
    fs = direct(api, provider="ollama")
    assert [f.event for f in fs].count("content") == 2
    assert fs[-1].event == "error" and fs[-1].data["code"] == "llm_stream_interrupted"
    assert len(sent(ctl)) == 1, "text was already streamed: a retry would repeat it"


def test_ollama_request_carries_profile_options_and_keep_alive(api: httpx.Client, ctl: httpx.Client) -> None:
    direct(api, provider="ollama", max_tokens=8)
    body = sent(ctl)[0]["body"]
    assert isinstance(body, dict)
    # low-vram-8-12gb profile, OLLAMA_CONTEXT_LENGTH=8192 override, explicit LLM_KEEP_ALIVE=10m.
    assert body["options"] == {"num_ctx": 8192, "num_parallel": 1, "num_queue": 128, "flash_attention": True,
                               "kv_cache_type": "q4_0", "num_predict": 8, "temperature": 0.0}
    assert body["keep_alive"] == "10m"
    assert body["model"] == OLLAMA_MODEL


def test_sensitive_content_stays_local(api: httpx.Client, ctl: httpx.Client) -> None:
    fs = direct(api, "My password is hunter2. " + QUESTION, provider="openai", max_tokens=4)
    assert fs[0].data["provider"] == "embedded"
    assert sent(ctl) == []
    fs = direct(api, QUESTION, provider="openai", sensitive=True, max_tokens=4)
    assert fs[0].data["provider"] == "embedded"


def test_hybrid_sends_long_prompts_to_the_cloud(api: httpx.Client, ctl: httpx.Client) -> None:
    short = direct(api, QUESTION, max_tokens=4)
    assert short[0].data["provider"] == "embedded"
    long = direct(api, "Please answer. " * 80 + QUESTION, max_tokens=4)
    assert long[0].data["provider"] == "openai"


def test_retry_is_recorded_in_the_task_trace(api: httpx.Client, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "status", "status": 502})
    tid = api.post("/api/v1/tasks", json={"content": QUESTION, "forced_provider": "ollama",
                                          "generation_params": {"max_tokens": 24, "temperature": 0}}).json()["task_id"]
    task = wait_task(api, tid)
    assert task["status"] == "COMPLETED", task
    steps = structured(api.get(f"/api/v1/history/requests/{tid}").json()["steps"])
    llm = [(s["action"], s["details"]) for s in steps if s["component"] == "LLM"]
    assert [a for a, _ in llm if a in ("request_sent", "retry")] == ["request_sent", "retry", "request_sent"]
    retry = next(d for a, d in llm if a == "retry")
    assert retry["status_code"] == 502 and retry["provider"] == "ollama"


# -- fallback and timeout: a Venom whose primary is Ollama, backed by the llama.cpp server --------
@pytest.fixture(scope="module")
def fb(tmp_path_factory: pytest.TempPathFactory, double: str, llama_server: str) -> Iterator[LiveServer]:
    srv = start_venom(
        tmp_path_factory, "venom-fallback",
        LLM_PROVIDER="ollama", VENOM_OLLAMA_ENDPOINT=double, VENOM_OLLAMA_MODEL=OLLAMA_MODEL,
        LLM_FALLBACK_PROVIDER="vllm", LLM_FALLBACK_MODEL=OAI_ALIAS,  # the reference name of openai_compatible
        VENOM_OPENAI_COMPATIBLE_ENDPOINT=llama_server,
        OLLAMA_RETRY_MAX_ATTEMPTS="1", VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS="20",
    )
    assert wait_runtime(srv.url)["provider"] == "ollama"
    yield srv
    srv.stop()


def test_fallback_uses_the_next_runtime_with_its_own_model(fb: LiveServer, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "status", "status": 500})
    with httpx.Client(base_url=fb.url, timeout=120) as c:
        body = {"content": QUESTION, "generation_params": {"max_tokens": 32, "temperature": 0}}
        tid = c.post("/api/v1/tasks", json=body).json()["task_id"]
        task = wait_task(c, tid)
        assert task["status"] == "COMPLETED", (task["error"], task["routing_decision"])
        assert task["result"].strip()  # answered by the fallback (answer quality: see test_contract)
        decision = task["routing_decision"]
        assert decision["fallback_applied"] is True
        assert (decision["provider"], decision["model"]) == ("openai_compatible", OAI_ALIAS)
        assert [(x["provider"], x["model"]) for x in decision["fallback_chain"]] == [
            ("ollama", OLLAMA_MODEL), ("openai_compatible", OAI_ALIAS)]
        assert task["llm_runtime"]["model"] == OAI_ALIAS
        steps = structured(c.get(f"/api/v1/history/requests/{tid}").json()["steps"])
        fallback = [s["details"] for s in steps if s["component"] == "LLM" and s["action"] == "fallback"]
        assert fallback == [{"from_provider": "ollama", "from_model": OLLAMA_MODEL, "to_provider": "openai_compatible",
                             "to_model": OAI_ALIAS, "reason": "llm_http_error",
                             "error": fallback[0]["error"]}]


def test_a_hanging_server_times_out(fb: LiveServer, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "hang", "seconds": 45})
    with httpx.Client(base_url=fb.url, timeout=120) as c:
        fs = direct(c, provider="ollama")  # forced: no fallback, so the timeout itself surfaces
    assert fs[-1].event == "error" and fs[-1].data["code"] == "llm_timeout"
