"""Autonomy refusals carry their actions, and `allow-once` re-runs a refused task with a one-task grant.

The shared orchestrator server (embedded model, offline search endpoint) runs the re-run for real;
the refusals that need no model (the gate refuses before any model call) use an llm_off server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.orchestrator.conftest import Venom
from tests.sse import read_stream
from venom_core.orchestrator.autonomy import AutonomyDenied, AutonomyGate, granted
from venom_core.storage.settings_kv import MemorySettings

REMOTE = {"X-Forwarded-For": "192.0.2.9"}


@pytest.fixture
def isolated(venom: Venom) -> Iterator[Venom]:
    venom.set_autonomy(0)
    yield venom
    venom.set_autonomy(0)


def follow(client: httpx.Client, task_id: str) -> dict[str, Any]:
    assert read_stream(client, task_id)[-1].event == "task_finished"
    return dict(client.get(f"/api/v1/tasks/{task_id}").json())


def test_a_refusal_offers_its_actions_and_allow_once_reruns_it_with_the_level(isolated: Venom) -> None:
    c = isolated.client
    refused = isolated.run({"content": "/web latest llama.cpp release"})
    assert refused["status"] == "FAILED" and refused["error"]["code"] == "autonomy_denied"
    actions = {a["kind"]: a for a in refused["error"]["actions"]}
    assert set(actions) == {"open_setting", "allow_once"}
    assert actions["open_setting"]["required_level"] == 10 and actions["open_setting"]["href"].startswith("/config")
    assert actions["open_setting"]["endpoint"] == "/api/v1/system/autonomy"
    assert actions["allow_once"]["endpoint"] == f"/api/v1/tasks/{refused['id']}/allow-once"
    assert refused["refusal"]["required_level"] == 10 and refused["refusal"]["permission"] == "network"
    assert refused["refusal"]["actions"] == refused["error"]["actions"]

    r = c.post(f"/api/v1/tasks/{refused['id']}/allow-once")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["origin_task_id"] == refused["id"] and body["task_id"] != refused["id"]
    assert body["granted_level"] == 10 and body["global_level"] == 0
    rerun = follow(c, body["task_id"])
    # The gate let it through: offline, the Researcher now fails for the network, not for autonomy.
    assert rerun["error"] is None or rerun["error"]["code"] != "autonomy_denied", rerun["error"]
    assert rerun["refusal"] is None
    assert rerun["allow_once_of"] == refused["id"] and rerun["content"] == refused["content"]
    granted = [s for s in isolated.events(rerun["id"]) if s["action"] == "autonomy_granted"]
    assert len(granted) == 1
    # The grant was for that task only: the global level and the next task are unchanged.
    assert c.get("/api/v1/system/autonomy").json()["current_level"] == 0
    again = isolated.run({"content": "/web latest llama.cpp release"})
    assert again["error"]["code"] == "autonomy_denied"
    # The audit trail names the grant and the task it went to.
    entries = c.get("/api/v1/audit", params={"action": "tasks.allow_once"}).json()["items"]
    mine = [e for e in entries if e["details"].get("path", {}).get("task_id") == refused["id"]]
    assert mine and mine[0]["outcome"] == "success"
    assert mine[0]["details"]["result"]["new_task_id"] == rerun["id"]
    assert mine[0]["details"]["result"]["granted_level"] == 10


def test_allow_once_refuses_unknown_unrefused_and_too_high(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_RUNTIME_PROFILE="llm_off", VENOM_MEMORY_ENABLED="false",
                         VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL="0", VENOM_TRUSTED_PROXIES="127.0.0.1")
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        missing = c.post("/api/v1/tasks/no-such-task/allow-once")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "task_not_found" and missing.json()["error"]["message"]

        helped = c.post("/api/v1/tasks", json={"content": "/help"}).json()["task_id"]
        assert follow(c, helped)["status"] == "COMPLETED"
        plain = c.post(f"/api/v1/tasks/{helped}/allow-once")
        assert plain.status_code == 409 and plain.json()["error"]["code"] == "task_not_refused"

        refused_id = c.post("/api/v1/tasks", json={"content": "/web anything"}).json()["task_id"]
        refused = follow(c, refused_id)
        assert refused["error"]["code"] == "autonomy_denied"
        # Allow-once is off on this server (its bound is 0): only the setting is offered.
        assert [a["kind"] for a in refused["error"]["actions"]] == ["open_setting"]
        high = c.post(f"/api/v1/tasks/{refused_id}/allow-once")
        assert high.status_code == 403
        err = high.json()["error"]
        assert err["code"] == "allow_once_not_permitted" and err["details"]["required_level"] == 10

        remote = c.post(f"/api/v1/tasks/{refused_id}/allow-once", headers=REMOTE)
        assert remote.status_code == 403 and remote.json()["error"]["code"] == "permission_denied"
        assert len(c.get("/api/v1/tasks").json()) == 2, "no refused call created a task"


def test_a_grant_covers_its_own_work_and_what_it_starts_only() -> None:
    gate = AutonomyGate(MemorySettings(), 0, allow_once_max=40)
    assert gate.allow_once_max == 30, "ROOT is never granted once, whatever the setting"

    async def main() -> None:
        seen: dict[str, int] = {}

        async def other() -> None:  # started outside the grant: a sibling task, another task's work
            await asyncio.sleep(0.01)
            seen["other"] = gate.effective_level

        sibling = asyncio.create_task(other())
        with granted(10):
            gate.require("network", "The Researcher")
            helper = asyncio.create_task(asyncio.sleep(0, result=gate.effective_level))
            seen["helper"] = await helper
        await sibling
        seen["after"] = gate.effective_level
        assert seen == {"helper": 10, "other": 0, "after": 0}
        assert gate.level == 0
        try:
            gate.require("network", "The Researcher")
        except AutonomyDenied as denied:
            kinds = [a["kind"] for a in denied.actions("t1")]
            assert kinds == ["open_setting", "allow_once"]
            assert [a["kind"] for a in denied.actions(None)] == ["open_setting"]
        else:
            raise AssertionError("the grant outlived its task")

    asyncio.run(main())
