"""No secret is ever shown: not a password inside LLM_LOCAL_ENDPOINT, not an API key, not the token.

Venom runs with a local endpoint that carries `user:password`, cloud keys (the protocol double's)
and an API token. Every endpoint that shows settings, runtimes, services or models is read, and
tasks fail against an unreachable local server and against a cloud whose 401 body quotes the key
it was sent (as real providers do). No secret string may appear in any answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer, free_port
from tests.runtimes.conftest import cloud_env, inject, start_venom, wait_task

PASSWORD = "hunter2-pass-6f1c"
TOKEN = "masking-token-for-tests-0123456789"
API_KEY = "test-key"  # the key the protocol double accepts
ECHO_401 = {"kind": "status", "status": 401, "echo_key": True}


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory, double: str) -> Iterator[LiveServer]:
    endpoint = f"http://venom-user:{PASSWORD}@127.0.0.1:{free_port()}"  # nothing listens there
    srv = start_venom(tmp_path_factory, "venom-masking", LLM_PROVIDER="ollama", LLM_LOCAL_ENDPOINT=endpoint,
                      LLM_WARMUP_ON_STARTUP="false", VENOM_API_TOKEN=TOKEN, OLLAMA_RETRY_BACKOFF_SECONDS="0.01",
                      **cloud_env(double))
    yield srv
    srv.stop()


def assert_clean(what: str, text: str) -> None:
    for secret in (PASSWORD, API_KEY, TOKEN):
        assert secret not in text, f"{what} shows {secret!r}: {text[:2000]}"


def test_no_endpoint_shows_a_secret(leaky: LiveServer, ctl: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=leaky.url, timeout=120, headers=auth) as c:
        # A saved change that carries a password is shown as pending, masked too.
        new = f"http://other:{PASSWORD}@127.0.0.1:1"
        assert c.post("/api/v1/config/runtime", json={"updates": {"VENOM_OLLAMA_ENDPOINT": new}}).status_code == 200
        config = c.get("/api/v1/config/runtime")
        assert config.json()["config"]["LLM_LOCAL_ENDPOINT"].startswith("http://venom-user:********@127.0.0.1:")
        assert "VENOM_OLLAMA_ENDPOINT" in config.json()["pending"]

        created = c.post("/api/v1/tasks", json={"content": "Say hi", "generation_params": {"max_tokens": 4}})
        assert_clean("POST /api/v1/tasks", created.text)
        local = wait_task(c, created.json()["task_id"])
        assert local["status"] == "FAILED" and local["error"]["code"] == "llm_connection_error", local["error"]
        assert "venom-user:********@" in local["error"]["message"]

        inject(ctl, ECHO_401)
        cloud_id = c.post("/api/v1/tasks", json={"content": "@gpt Say hi"}).json()["task_id"]
        cloud = wait_task(c, cloud_id)
        assert cloud["status"] == "FAILED" and cloud["error"]["code"] == "llm_http_error", cloud["error"]
        assert "401" in cloud["error"]["message"] and len(cloud["error"]["message"]) < 400
        sent = ctl.get("/_control/log").json()
        assert sent and API_KEY in str(sent[-1]["headers"]), "the double really saw (and echoed) the key"

        inject(ctl, ECHO_401)
        with c.stream("POST", "/api/v1/llm/simple/stream", json={"content": "Say hi", "provider": "openai"}) as r:
            stream_text = r.read().decode()
        assert "event: error" in stream_text and "401" in stream_text
        assert_clean("the direct stream", stream_text)

        for path in ("/api/v1/config/runtime", "/api/v1/system/llm-runtime/options",
                     "/api/v1/system/llm-runtime/active", "/api/v1/system/services", "/api/v1/system/status",
                     "/api/v1/models", "/api/v1/tasks", f"/api/v1/tasks/{local['id']}", f"/api/v1/tasks/{cloud_id}",
                     f"/api/v1/history/requests/{local['id']}", f"/api/v1/history/requests/{cloud_id}",
                     f"/api/v1/flow/{cloud_id}", "/api/v1/audit"):
            r = c.get(path)
            assert r.status_code == 200, (path, r.text)
            assert_clean(path, r.text)
