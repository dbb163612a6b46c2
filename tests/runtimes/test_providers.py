"""Connect a model through the API: probe local servers, test a connection with clear errors, and
connect in one call (saved to the config, still active after a restart).

The servers are real: llama.cpp's own server and the Ollama protocol double on free loopback
ports, a plain HTML server (tests/local_web.py), and a socket that accepts and never answers.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, free_port
from tests.local_web import local_web
from tests.runtimes.conftest import OAI_ALIAS, OLLAMA_MODEL, direct, start_venom

KNOWN_ERRORS = {"unreachable", "timeout", "not_llm_server", "auth_failed"}


@pytest.fixture(scope="module")
def pvenom(tmp_path_factory: pytest.TempPathFactory, tmp_path_factory_dir: Path) -> Iterator[LiveServer]:
    srv = start_venom(tmp_path_factory, "venom-providers", VENOM_PROVIDER_PROBE_TIMEOUT_SECONDS="1",
                      LLM_WARMUP_ON_STARTUP="false",
                      # no embedded model to load: nothing here needs it, and the CPU is shared
                      VENOM_EMBEDDED_MODEL_PATH=str(tmp_path_factory_dir / "absent.gguf"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def tmp_path_factory_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("absent")


@pytest.fixture
def papi(pvenom: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=pvenom.url, timeout=60) as c:
        yield c


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A socket that accepts connections and never answers a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(sock.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    sock.close()


def test_probe_of_the_usual_ports_completes(papi: httpx.Client) -> None:
    body = papi.get("/api/v1/providers/probe").json()
    assert [s["name"] for s in body["servers"]] == ["ollama", "lm_studio", "llama_cpp", "vllm", "jan"]
    for s in body["servers"]:  # whatever runs on this machine: found, or a known error with a sentence
        assert s["status"] == "found" or (s["error_code"] in KNOWN_ERRORS and s["error"]), s


def test_probe_finds_llama_cpp_server_and_ollama_double(papi: httpx.Client, llama_server: str, double: str) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    metadata = "http://169.254.169.254/latest"
    r = papi.post("/api/v1/providers/probe", json={"urls": [llama_server, f"{double}/", closed, metadata]})
    assert r.status_code == 200, r.text
    custom = {s["url"]: s for s in r.json()["servers"] if s["name"] == "custom"}
    oai = custom[llama_server]
    assert (oai["status"], oai["protocol"], oai["provider"]) == ("found", "openai", "openai_compatible")
    assert OAI_ALIAS in oai["models"]
    assert {"provider": "openai_compatible", "endpoint": llama_server, "model": OAI_ALIAS} in oai["connect"]
    oll = custom[double]
    assert (oll["status"], oll["protocol"], oll["provider"]) == ("found", "ollama", "ollama")
    assert oll["connect"] == [{"provider": "ollama", "endpoint": double, "model": OLLAMA_MODEL}]
    assert custom[closed]["error_code"] == "unreachable" and "Nothing answers" in custom[closed]["error"]
    assert custom[metadata]["error_code"] == "address_refused"  # listed, never fetched


def test_connection_errors_are_clear(papi: httpx.Client, silent_port: int, double: str) -> None:
    def test(name: str, **body: str) -> httpx.Response:
        return papi.post(f"/api/v1/providers/{name}/test", json=body)

    def failed(name: str, code: str, **body: str) -> str:
        r = test(name, **body)
        assert r.status_code == 200, r.text
        result = r.json()
        assert (result["ok"], result["error_code"]) == (False, code), result
        message: str = result["message"]
        return message

    with local_web() as web:
        failed("ollama", "not_llm_server", endpoint=web.url)
    assert "Nothing answers" in failed("ollama", "unreachable", endpoint=f"http://127.0.0.1:{free_port()}")
    assert "did not answer in time" in failed("openai_compatible", "timeout",
                                              endpoint=f"http://127.0.0.1:{silent_port}")
    assert OLLAMA_MODEL in failed("ollama", "model_missing", endpoint=double, model="no-such-model")  # what it has
    failed("openai_compatible", "wrong_protocol", endpoint=double)  # the double speaks Ollama first
    r = test("ollama", endpoint="http://169.254.169.254/")
    assert r.status_code == 400 and r.json()["error"]["code"] == "address_refused"
    for bad in ("../../etc/passwd", "/abs/model", "a\\b", "org/../x"):
        r = test("ollama", endpoint=double, model=bad)
        assert r.status_code == 422, (bad, r.text)
    assert test("nonexistent", endpoint=double).status_code == 404
    ok = test("ollama", endpoint=double, model=OLLAMA_MODEL).json()
    assert ok["ok"] is True and OLLAMA_MODEL in ok["models"]


def test_connect_switches_in_one_call_and_is_saved(pvenom: LiveServer, double: str) -> None:
    with httpx.Client(base_url=pvenom.url, timeout=120) as c:
        found = c.post("/api/v1/providers/probe", json={"urls": [double]}).json()["servers"]
        body = next(s for s in found if s["url"] == double)["connect"][0]
        r = c.post("/api/v1/providers/connect", json=body)
        assert r.status_code == 200, r.text
        assert r.json()["saved_keys"] == ["LLM_PROVIDER", "VENOM_OLLAMA_ENDPOINT", "VENOM_OLLAMA_MODEL"]
        active = c.get("/api/v1/system/llm-runtime/active").json()
        assert (active["provider"], active["model"], active["endpoint"]) == ("ollama", OLLAMA_MODEL, double)
        assert direct(c, max_tokens=4)[-1].event == "done"
        bad = c.post("/api/v1/providers/connect", json={**body, "model": "../x"})
        assert bad.status_code == 422
        down = c.post("/api/v1/providers/connect", json={**body, "endpoint": f"http://127.0.0.1:{free_port()}"})
        assert down.status_code == 409 and down.json()["error"]["code"] == "unreachable"
        assert c.get("/api/v1/system/llm-runtime/active").json()["endpoint"] == double  # nothing changed
    pvenom.restart()
    with httpx.Client(base_url=pvenom.url, timeout=60) as c:
        active = c.get("/api/v1/system/llm-runtime/active").json()
        assert (active["provider"], active["model"], active["endpoint"]) == ("ollama", OLLAMA_MODEL, double)
