"""`/api/v1/schedules` on the real app: checked input, next run times in the schedule's zone, a
run now that is a real task, the run history and deletion. (Firing on a timetable, across
instances and after downtime, is tests/schedules/test_scheduler.py, with a clock it moves.)"""

from __future__ import annotations

import asyncio

import httpx

BODY = {"cron": "0 9 * * 1-5", "timezone": "Europe/Warsaw", "content": "/help", "name": "morning help"}


async def test_create_edit_run_and_delete(aclient: httpx.AsyncClient) -> None:
    r = await aclient.post("/api/v1/schedules", json=BODY)
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["enabled"] and s["catch_up"] == "once" and len(s["next_runs"]) == 3
    assert all(t.endswith(("+01:00", "+02:00")) and "T09:00:00" in t for t in s["next_runs"])  # Warsaw time
    assert [x["id"] for x in (await aclient.get("/api/v1/schedules")).json()] == [s["id"]]

    detail = (await aclient.get(f"/api/v1/schedules/{s['id']}", params={"preview": 10})).json()
    assert len(detail["next_runs"]) == 10

    joined = (await aclient.patch(f"/api/v1/schedules/{s['id']}", json={"session_id": "s1"})).json()
    assert joined["session_id"] == "s1"
    detached = (await aclient.patch(f"/api/v1/schedules/{s['id']}", json={"session_id": ""})).json()
    assert detached["session_id"] is None  # an emptied field detaches the conversation
    edited = (await aclient.patch(f"/api/v1/schedules/{s['id']}", json={"enabled": False})).json()
    assert edited["enabled"] is False and edited["next_runs"] == [] and edited["next_run_at"] is None
    assert edited["cron"] == BODY["cron"]  # only what was given changed

    run = await aclient.post(f"/api/v1/schedules/{s['id']}/run")
    assert run.status_code == 202, run.text
    assert run.json()["trigger"] == "manual" and run.json()["status"] == "submitted"
    task_id = run.json()["task_id"]
    for _ in range(200):
        task = (await aclient.get(f"/api/v1/tasks/{task_id}")).json()
        if task["status"] in ("COMPLETED", "FAILED"):
            break
        await asyncio.sleep(0.05)
    assert task["status"] == "COMPLETED"
    assert task["content"] == "/help"
    runs = (await aclient.get(f"/api/v1/schedules/{s['id']}/runs")).json()["runs"]
    assert [x["task_id"] for x in runs] == [task_id]
    listed = (await aclient.get("/api/v1/schedules")).json()
    assert listed[0]["last_run"]["task_id"] == task_id

    assert (await aclient.delete(f"/api/v1/schedules/{s['id']}")).json() == {"id": s["id"], "deleted": True}
    gone = await aclient.get(f"/api/v1/schedules/{s['id']}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "schedule_not_found"
    assert (await aclient.get(f"/api/v1/tasks/{task_id}")).status_code == 200  # its task stays


async def test_bad_input_names_the_problem(aclient: httpx.AsyncClient) -> None:
    cases = [
        ({**BODY, "cron": "61 * * * *"}, "not a valid cron expression"),
        ({**BODY, "cron": "* * * * * *"}, "5 fields"),
        ({**BODY, "timezone": "Mars/Olympus"}, "unknown time zone"),
        ({**BODY, "content": "   "}, "non-space"),
        ({**BODY, "catch_up": "always"}, "catch_up"),
        ({**BODY, "every": "minute"}, "every"),
    ]
    for body, says in cases:
        r = await aclient.post("/api/v1/schedules", json=body)
        assert r.status_code == 422, (body, r.text)
        assert says in r.text, (says, r.text)
    assert (await aclient.get("/api/v1/schedules")).json() == []  # nothing was stored
    missing = "0" * 32
    for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/run"), ("GET", "/runs")):
        r = await aclient.request(method, f"/api/v1/schedules/{missing}{path}", json={} if method == "PATCH" else None)
        assert r.status_code == 404, (method, path, r.text)
    assert (await aclient.get("/api/v1/schedules/not-an-id")).status_code == 422
