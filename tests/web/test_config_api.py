"""`/api/v1/config/*` through HTTP: validated writes to the env file that survive a restart,
backups and restore, secrets never echoed, and clear refusals (unknown key, bad value, key set by
the environment, remote client)."""

from __future__ import annotations

import httpx

from tests.conftest import LiveServer, ServerFactory

# No model and no memory: these tests only need the API and the env file.
LIGHT = {"VENOM_RUNTIME_PROFILE": "llm_off", "VENOM_MEMORY_ENABLED": "false"}
SECRET = "sk-config-test-0123456789abcdef"


def _config(srv: LiveServer) -> dict:  # type: ignore[type-arg]
    r = httpx.get(f"{srv.url}/api/v1/config/runtime", timeout=30)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def test_a_write_is_validated_persisted_and_active_after_restart(server_factory: ServerFactory) -> None:
    srv = server_factory(**LIGHT)
    env_file = srv.data_dir / "none.env"
    before = _config(srv)
    assert before["values"]["VENOM_SESSION_HISTORY_TURNS"] == 20
    assert before["config_sources"]["VENOM_SESSION_HISTORY_TURNS"] == "default"
    assert before["config_sources"]["VENOM_RUNTIME_PROFILE"] == "env"
    assert before["pending"] == {} and before["restart_required"] is False

    r = httpx.post(f"{srv.url}/api/v1/config/runtime", timeout=30, json={"updates": {
        "VENOM_SESSION_HISTORY_TURNS": 7, "VENOM_OLLAMA_PROFILE": "low-vram-8-12gb", "OPENAI_API_KEY": SECRET}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["updated_keys"] == ["OPENAI_API_KEY", "VENOM_OLLAMA_PROFILE", "VENOM_SESSION_HISTORY_TURNS"]
    assert body["restart_required"] is True and body["backup_filename"] is None  # there was no file yet
    assert SECRET not in r.text
    assert "VENOM_SESSION_HISTORY_TURNS='7'" in env_file.read_text()

    after = _config(srv)
    assert after["values"]["VENOM_SESSION_HISTORY_TURNS"] == 20, "the running process is unchanged"
    assert after["pending"] == {"VENOM_SESSION_HISTORY_TURNS": 7, "VENOM_OLLAMA_PROFILE": "low-vram-8-12gb",
                                "OPENAI_API_KEY": "********"}
    assert after["config_sources"]["VENOM_SESSION_HISTORY_TURNS"] == "env_file"
    assert SECRET not in httpx.get(f"{srv.url}/api/v1/config/runtime").text

    # A second write backs up the first file; null removes a key (back to its default).
    r = httpx.post(f"{srv.url}/api/v1/config/runtime", json={"updates": {"VENOM_OLLAMA_PROFILE": None}})
    assert r.status_code == 200
    first_backup = r.json()["backup_filename"]
    assert first_backup and "VENOM_OLLAMA_PROFILE" not in env_file.read_text()

    srv.restart()
    now = _config(srv)
    assert now["values"]["VENOM_SESSION_HISTORY_TURNS"] == 7, "the saved value is active after a restart"
    assert now["values"]["VENOM_OLLAMA_PROFILE"] == "balanced-12-24gb"
    assert now["values"]["OPENAI_API_KEY"] == "********"
    assert now["pending"] == {} and now["restart_required"] is False

    # Restore the first backup (the one with the Ollama profile); the current file is backed up.
    backups = httpx.get(f"{srv.url}/api/v1/config/backups").json()
    assert first_backup in [b["filename"] for b in backups["backups"]]
    r = httpx.post(f"{srv.url}/api/v1/config/restore", json={"backup_filename": first_backup})
    assert r.status_code == 200, r.text
    assert _config(srv)["pending"] == {"VENOM_OLLAMA_PROFILE": "low-vram-8-12gb"}
    assert httpx.get(f"{srv.url}/api/v1/config/backups").json()["count"] == 2
    r = httpx.post(f"{srv.url}/api/v1/config/restore", json={"backup_filename": "../none.env"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "backup_not_found"


def test_bad_writes_are_refused_clearly_and_change_nothing(server_factory: ServerFactory) -> None:
    srv = server_factory(**LIGHT)
    env_file = srv.data_dir / "none.env"
    url = f"{srv.url}/api/v1/config/runtime"

    def refused(updates: dict, status: int, code: str, **headers: str) -> dict:  # type: ignore[type-arg]
        r = httpx.post(url, json={"updates": updates}, headers=headers, timeout=30)
        assert r.status_code == status, r.text
        body = r.json()
        assert body["error"]["code"] == code
        assert SECRET not in r.text
        return body["error"]  # type: ignore[no-any-return]

    err = refused({"NO_SUCH_SETTING": "1", "VENOM_SESSION_HISTORY_TURNS": 3}, 422, "unknown_config_key")
    assert err["details"] == {"unknown_keys": ["NO_SUCH_SETTING"]}
    err = refused({"VENOM_SESSION_HISTORY_TURNS": 999}, 422, "invalid_config_value")
    assert "VENOM_SESSION_HISTORY_TURNS" in err["message"] and "200" in err["message"]
    err = refused({"AI_MODE": "SPACE"}, 422, "invalid_config_value")
    assert "AI_MODE" in err["message"]
    refused({"VENOM_API_TOKEN": SECRET[:8]}, 422, "invalid_config_value")  # too short; never echoed
    refused({"VENOM_SQLITE_SYNCHRONOUS": "OFF"}, 422, "invalid_config_value")
    refused({"LLM_MODEL_NAME": "a\nVENOM_HOST=0.0.0.0"}, 422, "invalid_config_value")
    r = httpx.post(url, content=b'{"updates": {"LLM_MODEL_NAME": "lone \\ud800 surrogate"}}',
                   headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_config_value"
    refused({}, 422, "empty_update")
    err = refused({"VENOM_RUNTIME_PROFILE": "full"}, 409, "set_by_environment")
    assert "environment" in err["message"]
    # A LAN client behind a local reverse proxy is not admin (uvicorn trusts X-Forwarded-For from loopback).
    body = httpx.post(url, json={"updates": {"VENOM_SESSION_HISTORY_TURNS": 3}},
                      headers={"X-Forwarded-For": "192.0.2.10"}).json()
    assert body["error"]["code"] == "permission_denied"
    assert body["detail"]["technical_context"]["operation"] == "POST /api/v1/config/runtime"
    assert httpx.get(f"{srv.url}/api/v1/config/backups", headers={"X-Forwarded-For": "192.0.2.10"}).status_code == 403
    r = httpx.post(url, content=b'{"updates": {"X": 1}, "extra": 1}', headers={"content-type": "application/json"})
    assert r.status_code == 422

    assert not env_file.exists(), "no refused write touched the env file"
    assert _config(srv)["pending"] == {}
