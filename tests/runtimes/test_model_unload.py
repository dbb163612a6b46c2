"""`POST /api/v1/models/unload` against the Ollama protocol double: a model that answered is listed
as loaded (`/api/ps`), unloading frees it (`/api/generate` with `keep_alive: 0`), and what cannot be
unloaded is refused with a stable code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.runtimes.conftest import OLLAMA_MODEL, direct, start_venom, wait_runtime


@pytest.fixture(scope="module")
def ollama_venom(tmp_path_factory: pytest.TempPathFactory, double: str) -> Iterator[LiveServer]:
    srv = start_venom(tmp_path_factory, "venom-unload", LLM_PROVIDER="ollama", VENOM_OLLAMA_ENDPOINT=double,
                      VENOM_OLLAMA_MODEL=OLLAMA_MODEL)
    wait_runtime(srv.url)
    yield srv
    srv.stop()


@pytest.fixture
def client(ollama_venom: LiveServer, ctl: httpx.Client) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ollama_venom.url, timeout=60) as c:
        yield c


def ollama_row(client: httpx.Client) -> dict[str, Any]:
    models = client.get("/api/v1/models").json()["models"]
    return next(m for m in models if (m["provider"], m["name"]) == ("ollama", OLLAMA_MODEL))


def test_a_used_model_is_loaded_until_unloaded(client: httpx.Client) -> None:
    assert ollama_row(client)["details"]["loaded"] is False
    direct(client, "Say hi.", max_tokens=4)
    assert ollama_row(client)["details"]["loaded"] is True
    r = client.post("/api/v1/models/unload", json={"provider": "ollama", "name": OLLAMA_MODEL})
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True, "name": OLLAMA_MODEL, "provider": "ollama", "loaded": False}
    assert ollama_row(client)["details"]["loaded"] is False


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"provider": "ollama", "name": "missing-model:1b"}, 404, "model_not_found"),
    ({"provider": "embedded", "name": "anything"}, 409, "unload_not_supported"),
    ({"provider": "nope", "name": OLLAMA_MODEL}, 422, "unknown_provider"),
    ({"provider": "ollama", "name": "../x"}, 422, "validation_error"),
    ({"provider": "ollama"}, 422, "validation_error"),
])
def test_what_cannot_be_unloaded_is_refused(client: httpx.Client, body: dict[str, Any], status: int,
                                            code: str) -> None:
    r = client.post("/api/v1/models/unload", json=body)
    assert r.status_code == status and r.json()["error"]["code"] == code, r.text
    assert r.json()["error"]["message"]
