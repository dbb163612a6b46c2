"""`POST /api/v1/system/restart`: a real server restarts itself with the same command (same PID,
a new boot id) and comes back with the saved setting active; callers who are not admin are refused."""

from __future__ import annotations

import time

import httpx

from tests.conftest import LiveServer, ServerFactory

SETTING = "VENOM_SESSION_HISTORY_TURNS"
TOKEN = "restart-token-0123456789-abcdef"


def boot_id(srv: LiveServer, headers: dict[str, str] | None = None) -> str:
    return str(httpx.get(f"{srv.url}/api/v1/system/status", headers=headers, timeout=10).json()["boot_id"])


def wait_for_new_boot(srv: LiveServer, old: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert srv.proc is not None and srv.proc.poll() is None, srv.log_text()[-3000:]
        try:
            if httpx.get(f"{srv.url}/healthz", timeout=2).status_code == 200:
                new = boot_id(srv)
                if new != old:
                    return new
        except httpx.HTTPError:
            pass  # shutting down or not yet listening
        time.sleep(0.1)
    raise AssertionError(f"the server did not come back: {srv.log_text()[-3000:]}")


def test_restart_applies_the_pending_setting(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_RUNTIME_PROFILE="llm_off", VENOM_MEMORY_ENABLED="false",
                         VENOM_TRUSTED_PROXIES="127.0.0.1")
    assert srv.proc is not None
    pid = srv.proc.pid
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        saved = c.post("/api/v1/config/runtime", json={"updates": {SETTING: "7"}})
        assert saved.status_code == 200 and saved.json()["restart_required"] is True
        before = c.get("/api/v1/config/runtime").json()
        assert before["pending"] == {SETTING: 7} and before["values"][SETTING] != 7

        remote = c.post("/api/v1/system/restart", json={"confirm": True}, headers={"X-Forwarded-For": "192.0.2.5"})
        assert remote.status_code == 403 and remote.json()["error"]["code"] == "permission_denied"
        unconfirmed = c.post("/api/v1/system/restart", json={"confirm": False})
        assert unconfirmed.status_code == 400 and unconfirmed.json()["error"]["code"] == "restart_not_confirmed"
        old = boot_id(srv)
        assert old == boot_id(srv), "nothing restarted so far"
        # A task accepted before the restart is not lost: held by a paused queue, it runs after resume.
        assert c.post("/api/v1/queue/pause").status_code == 200
        waiting = c.post("/api/v1/tasks", json={"content": "/help"}).json()["task_id"]

        accepted = c.post("/api/v1/system/restart", json={"confirm": True})
        assert accepted.status_code == 202, accepted.text
        body = accepted.json()
        assert body["mode"] == "exec" and body["boot_id"] == old and body["pending"] == [SETTING]

    wait_for_new_boot(srv, old)
    assert srv.proc.pid == pid and srv.proc.poll() is None, "the same process, re-executed"
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        after = c.get("/api/v1/config/runtime").json()
        assert after["values"][SETTING] == 7 and after["pending"] == {} and after["restart_required"] is False
        assert c.get(f"/api/v1/tasks/{waiting}").json()["status"] == "PENDING"
        assert c.post("/api/v1/queue/resume").status_code == 200
        deadline = time.monotonic() + 60
        while c.get(f"/api/v1/tasks/{waiting}").json()["status"] != "COMPLETED":
            assert time.monotonic() < deadline, c.get(f"/api/v1/tasks/{waiting}").json()
            time.sleep(0.1)
        audit = c.get("/api/v1/audit", params={"action": "system.restart"}).json()["items"]
        assert [e["outcome"] for e in audit][:3] == ["success", "failed", "denied"]
        # It restarts again (the re-executed process installed its restarter too).
        old = boot_id(srv)
        assert c.post("/api/v1/system/restart", json={"confirm": True}).status_code == 202
    wait_for_new_boot(srv, old)


def test_restart_needs_the_token_when_one_is_set(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_RUNTIME_PROFILE="llm_off", VENOM_MEMORY_ENABLED="false", VENOM_API_TOKEN=TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    old = boot_id(srv, auth)
    refused = httpx.post(f"{srv.url}/api/v1/system/restart", json={"confirm": True}, timeout=10)
    assert refused.status_code == 401 and refused.json()["error"]["code"]
    time.sleep(0.5)
    assert boot_id(srv, auth) == old
