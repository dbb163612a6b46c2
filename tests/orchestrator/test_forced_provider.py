"""`/gpt` really uses the OpenAI provider: here "OpenAI" is a real OpenAI-protocol server.

`python -m llama_cpp.server` speaks the OpenAI chat-completions protocol, so pointing
OPENAI_API_BASE at it lets the test see that a forced provider is the one that generates, while an
unforced message in the same server stays on the local model.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, ServerFactory, free_port
from tests.orchestrator.conftest import Venom, wait_model
from venom_core.runtimes.embedded import default_model_path

ALIAS = "smollm2-as-openai"


@pytest.fixture
def openai_like(tmp_path: Path) -> Iterator[str]:
    gguf = default_model_path()
    assert gguf is not None
    port = free_port()
    log = open(tmp_path / "llama.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", ALIAS,
                             "--host", "127.0.0.1", "--port", str(port), "--n_threads", "1"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "llama.log").read_text()[-2000:]
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def test_gpt_command_generates_with_the_openai_provider(server_factory: ServerFactory, openai_like: str) -> None:
    srv = server_factory(VENOM_MEMORY_ENABLED="false", AI_MODE="HYBRID", PAID_MODE_ENABLED="true",
                         VENOM_AUTONOMY_LEVEL="20",  # level 20 (FUNDED) grants paid APIs
                         OPENAI_API_KEY="sk-test-not-a-real-key", OPENAI_API_BASE=openai_like, OPENAI_MODEL=ALIAS)
    with httpx.Client(base_url=srv.url, timeout=300) as client:
        wait_model(client)
        venom = Venom(srv, client, srv.data_dir / "workspace")
        forced = venom.run({"content": "/gpt Say hello", "generation_params": {"max_tokens": 12}})
        assert forced["status"] == "COMPLETED", forced["error"]
        sent = [s for s in venom.events(forced["id"]) if s["action"] == "request_sent"]
        assert [s["details"]["provider"] for s in sent] == ["openai"]
        assert sent[0]["details"]["model"] == ALIAS
        assert forced["routing_decision"]["reason_code"] == "USER_PREFERENCE"

        local = venom.run({"content": "Say hello", "generation_params": {"max_tokens": 12}})
        assert local["status"] == "COMPLETED", local["error"]
        assert [s["details"]["provider"] for s in venom.events(local["id"]) if s["action"] == "request_sent"] \
            == ["embedded"]
