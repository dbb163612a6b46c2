"""The audit trail: every admin action is an event with who and from where, kept across restarts.

Each admin action is performed once over HTTP, then `GET /api/v1/audit` must list it with the
actor (token holder, loopback owner or remote client), the client address and the user agent.
A remote client is a LAN client behind a local reverse proxy (uvicorn trusts X-Forwarded-For
from loopback); its attempts are refused and recorded as `denied`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from websockets.sync.client import connect

from tests.conftest import LiveServer, ServerFactory
from tests.memory.conftest import wait_for_memory

REMOTE = {"X-Forwarded-For": "192.0.2.10"}  # believed: the test servers trust loopback as their proxy
AGENT = {"User-Agent": "audit-test/1.0"}
TOKEN = "audit-token-for-tests-0123456789"
SECRET = "sk-audit-secret-value-1234567890"
# No model is needed: Ollama (not running) is the runtime, so nothing generates.
QUIET = {"VENOM_RUNTIME_PROFILE": "light", "LLM_PROVIDER": "ollama", "LLM_LOCAL_ENDPOINT": "http://127.0.0.1:9",
         "LLM_WARMUP_ON_STARTUP": "false", "OLLAMA_RETRY_MAX_ATTEMPTS": "1", "VENOM_TRUSTED_PROXIES": "127.0.0.1"}


def audit(c: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    r = c.get("/api/v1/audit", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def perform_every_admin_action(c: httpx.Client) -> dict[str, int]:
    """Run each admin action once; answers the expected status per action name."""
    expected: dict[str, int] = {}

    def do(action: str, method: str, path: str, status: int, **kw: Any) -> httpx.Response:
        r = c.request(method, path, headers=AGENT, **kw)
        assert r.status_code == status, (action, r.status_code, r.text)
        expected[action] = status
        return r

    do("config.update_runtime_config", "POST", "/api/v1/config/runtime", 200,
       json={"updates": {"AI_MODE": "HYBRID", "OPENAI_API_KEY": SECRET}})
    backup = c.get("/api/v1/config/backups").json()["backups"]
    if not backup:  # the first write had no file to back up; the second one does
        do("config.update_runtime_config", "POST", "/api/v1/config/runtime", 200,
           json={"updates": {"AI_MODE": "LOCAL"}})
        backup = c.get("/api/v1/config/backups").json()["backups"]
    do("config.restore_backup", "POST", "/api/v1/config/restore", 200,
       json={"backup_filename": backup[0]["filename"]})
    do("llm.set_active_runtime", "POST", "/api/v1/system/llm-runtime/active", 200, json={"provider": "ollama"})
    do("models.switch_model", "POST", "/api/v1/models/switch", 404, json={"name": "no-such-model"})
    do("models.install_model", "POST", "/api/v1/models/install", 202, json={"name": "smollm2:135m"})
    do("autonomy.set_autonomy", "POST", "/api/v1/system/autonomy", 200, json={"level": 10})
    entry = c.post("/api/v1/memory/ingest", json={"text": "The audit test was here."}).json()["ids"][0]
    do("memory.delete_entry", "DELETE", f"/api/v1/memory/entry/{entry}", 200)
    do("memory.wipe", "DELETE", "/api/v1/memory/global", 200)
    do("lessons.prune_ttl", "DELETE", "/api/v1/lessons/prune/ttl", 200, params={"days": 30})
    do("lessons.prune_tag", "DELETE", "/api/v1/lessons/prune/tag", 200, params={"tag": "x"})
    do("lessons.prune_range", "DELETE", "/api/v1/lessons/prune/range", 200, params={"from_date": "2000-01-01"})
    do("lessons.prune_latest", "DELETE", "/api/v1/lessons/prune/latest", 200, params={"count": 1})
    do("lessons.dedupe", "POST", "/api/v1/lessons/dedupe", 200)
    do("lessons.purge", "DELETE", "/api/v1/lessons/purge", 200)
    do("queue.pause", "POST", "/api/v1/queue/pause", 200)
    do("queue.purge", "POST", "/api/v1/queue/purge", 200)
    do("queue.emergency_stop", "POST", "/api/v1/queue/emergency-stop", 200)
    do("queue.resume", "POST", "/api/v1/queue/resume", 200)
    return expected


def check_trail(items: list[dict[str, Any]], expected: dict[str, int]) -> None:
    mine = [i for i in items if i["actor"]["user_agent"] == "audit-test/1.0" and i["outcome"] != "denied"]
    seen = {i["action"] for i in mine}
    assert set(expected) <= seen, f"missing: {sorted(set(expected) - seen)}"
    for item in mine:
        assert item["actor"] == {"kind": "loopback", "address": "127.0.0.1", "user_agent": "audit-test/1.0"}
        assert item["outcome"] == ("success" if item["status_code"] < 400 else "failed"), item
        assert item["operation"].split(" ", 1)[0] in ("POST", "DELETE")
    by_action = {i["action"]: i for i in mine}
    assert by_action["models.switch_model"]["error_code"] == "model_not_found"
    assert by_action["autonomy.set_autonomy"]["details"]["body"] == {"level": 10}
    assert by_action["lessons.prune_ttl"]["details"]["query"] == {"days": "30"}
    assert SECRET not in json.dumps(items), "a secret sent to a config write never reaches the trail"
    ids = [i["id"] for i in items]
    assert ids == sorted(ids, reverse=True), "newest first"


def test_every_admin_action_is_audited_with_who_and_where_and_survives_restart(
        server_factory: ServerFactory) -> None:
    srv: LiveServer = server_factory(VENOM_MEMORY_ENABLED="true", **QUIET)
    assert wait_for_memory(srv.url)["status"] == "online"
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        with connect(f"{srv.ws_url}/ws/events?types=AUDIT_ACTION") as ws:
            expected = perform_every_admin_action(c)
            live = [json.loads(ws.recv(timeout=60)) for _ in range(len(expected))]
        assert {m["type"] for m in live} == {"AUDIT_ACTION"}
        assert live[0]["data"]["action"] == "config.update_runtime_config"
        assert live[0]["data"]["actor"]["address"] == "127.0.0.1"

        # A remote client is refused, and the refusal is in the trail with its address.
        assert c.post("/api/v1/queue/emergency-stop", headers={**REMOTE, **AGENT}).status_code == 403
        denied = audit(c, outcome="denied")
        assert denied[0]["action"] == "queue.emergency_stop" and denied[0]["status_code"] == 403
        assert denied[0]["actor"] == {"kind": "remote", "address": "192.0.2.10", "user_agent": "audit-test/1.0"}
        assert c.get("/api/v1/audit", headers=REMOTE).status_code == 403, "reading the trail is admin-only"
        assert audit(c, outcome="denied")[0]["operation"] == "GET /api/v1/audit", "refused reads are recorded too"

        before = audit(c)
        check_trail(before, expected)
        first = c.get("/api/v1/audit", params={"limit": 3}).json()
        second = c.get("/api/v1/audit", params={"limit": 3, "cursor": first["next_cursor"]}).json()
        assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in before[:6]]
        for bad in ("0", "9" * 20):
            assert c.get("/api/v1/audit", params={"cursor": bad}).json()["error"]["code"] == "invalid_cursor"
        # The reference's view of the same trail.
        ref = c.get("/api/v1/audit/stream", params={"limit": 2}).json()
        assert ref["status"] == "success" and ref["count"] == 2
        assert [e["action"] for e in ref["entries"]] == [i["action"] for i in before[:2]]
        assert ref["entries"][0]["api_channel"] == before[0]["action"].split(".")[0]

    srv.restart()
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        after = audit(c)
        assert [i["id"] for i in after] == [i["id"] for i in before], "the trail survives a restart"
        check_trail(after, expected)


def test_a_token_holder_is_audited_as_token(server_factory: ServerFactory) -> None:
    srv: LiveServer = server_factory(VENOM_API_TOKEN=TOKEN, VENOM_MEMORY_ENABLED="false", **QUIET)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=srv.url, timeout=30, headers={**auth, **AGENT}) as c:
        assert c.post("/api/v1/queue/pause", headers=REMOTE).status_code == 200, "the token makes a remote admin"
        item = audit(c)[0]
        assert item["action"] == "queue.pause" and item["outcome"] == "success"
        assert item["actor"] == {"kind": "token", "address": "192.0.2.10", "user_agent": "audit-test/1.0"}
        assert TOKEN not in json.dumps(item)


def test_only_an_admin_may_resume_or_pause_the_queue(server_factory: ServerFactory) -> None:
    srv: LiveServer = server_factory(VENOM_MEMORY_ENABLED="false", **QUIET)
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        assert c.post("/api/v1/queue/emergency-stop").status_code == 200
        for path in ("/api/v1/queue/resume", "/api/v1/queue/pause"):
            r = c.post(path, headers=REMOTE)
            assert r.status_code == 403, r.text
            assert r.json()["error"]["code"] == "permission_denied"
            assert r.json()["detail"]["reason_code"] == "PERMISSION_DENIED"
        assert c.get("/api/v1/queue/status").json()["paused"] is True, "the stop holds"
        assert c.post("/api/v1/queue/resume").status_code == 200, "the local owner may resume"
        assert c.get("/api/v1/queue/status").json()["paused"] is False
