"""Memory survives a restart; what the user said in a chat becomes a session fact; admin wipe. Runs last: it
restarts the shared server and wipes its memory."""

from __future__ import annotations

import json
import time

import httpx

from tests.conftest import LiveServer
from tests.memory.conftest import wait_for_memory, wait_lesson, wait_task


def test_what_the_user_said_becomes_a_session_fact(mem: httpx.Client) -> None:
    created = mem.post("/api/v1/tasks", json={"content": "Say hello to Ziggy the hamster.",
                                              "session_id": "fact-session", "forced_provider": "embedded"})
    task = wait_task(mem, created.json()["task_id"], timeout=180)
    # The embedded model is part of the default profile the suite runs: no answer is a failure.
    assert task["status"] == "COMPLETED" and task["result"].strip(), \
        f"the embedded model gave no answer, so there is no fact to store: {task['status']} {task.get('error')}"
    deadline = time.monotonic() + 60
    facts: list[dict] = []
    while time.monotonic() < deadline and not facts:
        entries = mem.get("/api/v1/memory/entries", params={"session_id": "fact-session"}).json()["entries"]
        facts = [e for e in entries if e["task_id"] == task["task_id"]]
        time.sleep(0.2)
    assert facts, "the user's message was not stored as a session fact"
    # The user's words, with where they came from; the model's (unverified) answer is not stored.
    assert [f["text"] for f in facts] == ["Say hello to Ziggy the hamster."], facts
    assert facts[0]["type"] == "fact" and facts[0]["source"] == "chat:user"
    assert facts[0]["origin"] == "chat" and facts[0]["session_id"] == "fact-session"
    assert facts[0]["created_at"] > 0 and facts[0]["edited"] is False
    graph = mem.get("/api/v1/memory/graph", params={"session_id": "fact-session", "limit": 500}).json()
    node = next(n["data"] for n in graph["elements"]["nodes"] if n["data"]["id"] == f"mem:{facts[0]['id']}")
    assert node["type"] == "memory" and node["origin"] == "chat" and node["task_id"] == task["task_id"]
    # A help answer (static fast path) teaches a lesson but is not stored as a fact.
    help_id = mem.post("/api/v1/tasks", json={"content": "help", "forced_intent": "HELP_REQUEST",
                                              "session_id": "fact-session"}).json()["task_id"]
    wait_task(mem, help_id)
    wait_lesson(mem, help_id)
    entries = mem.get("/api/v1/memory/entries", params={"session_id": "fact-session"}).json()["entries"]
    assert help_id not in [e["task_id"] for e in entries]


def test_chat_recalls_a_fact_told_in_another_session(mem: httpx.Client) -> None:
    told = mem.post("/api/v1/memory/ingest", json={"text": "My favourite colour is teal.",
                                                   "session_id": "told-here"}).json()["ids"][0]
    created = mem.post("/api/v1/tasks", json={"content": "Do you remember what my favourite colour is?",
                                              "session_id": "asked-here", "forced_provider": "embedded"})
    task = wait_task(mem, created.json()["task_id"], timeout=180)
    assert task["status"] == "COMPLETED", f"the chat task did not complete: {task['status']} {task.get('error')}"
    assert told in task["context_used"]["memory_entries"]


def test_recall_survives_restart_and_admin_wipe(memory_server: LiveServer) -> None:
    with httpx.Client(base_url=memory_server.url, timeout=60) as client:
        told = client.post("/api/v1/memory/ingest", json={"text": "My favourite colour is ultramarine blue.",
                                                          "session_id": "before-restart", "pinned": True}).json()
        client.post("/api/v1/memory/ingest", json={"text": "Lunch is at noon on Fridays.",
                                                   "session_id": "before-restart"})
        help_id = client.post("/api/v1/tasks", json={"content": "list your commands",
                                                     "forced_intent": "HELP_REQUEST"}).json()["task_id"]
        wait_task(client, help_id)
        wait_lesson(client, help_id)
        client.post("/api/v1/feedback", json={"task_id": help_id, "rating": "up", "comment": "great"})
        # A full graph build persists each entry's entities (so a restart skips the regex pass).
        quentin = client.post("/api/v1/memory/ingest", json={"text": "Quentin Blackwood opened the Zanzibar office.",
                                                             "session_id": "before-restart"}).json()["ids"][0]
        assert client.get("/api/v1/memory/graph", params={"limit": 500}).status_code == 200
        # A corrected entry keeps its correction (text, vector, edited mark) across the restart.
        lunch = client.post("/api/v1/memory/ingest", json={"text": "The team lunch is on Tuesdays.",
                                                           "session_id": "before-restart"}).json()["ids"][0]
        fixed = client.patch(f"/api/v1/memory/entries/{lunch}",
                             json={"text": "The team lunch moved to Wednesdays at the harbour."})
        assert fixed.status_code == 200, fixed.text
        saved = memory_server.data_dir / "data" / "memory" / "graph_entities.jsonl"
        lines = [json.loads(line) for line in saved.read_text().splitlines()]
        assert ["Quentin Blackwood", "ent:quentin blackwood"] in next(x["e"] for x in lines if x["k"] == quentin)
        # A later line wins on load: if the server reads the file, the marker replaces the regex result.
        with saved.open("a") as fh:
            fh.write(json.dumps({"k": quentin, "e": [["Persisted Marker", "ent:persisted marker"]]}) + "\n")

    memory_server.restart()
    with httpx.Client(base_url=memory_server.url, timeout=60) as client:
        early = client.post("/api/v1/memory/search", json={"query": "colour"})
        assert early.status_code in (200, 503)  # the API is up before the model has loaded
        if early.status_code == 503:
            assert early.json()["error"]["code"] == "memory_loading" and early.headers["retry-after"]
        assert wait_for_memory(memory_server.url)["status"] == "online"

        hits = client.post("/api/v1/memory/search", json={"query": "what is my favourite colour?",
                                                          "session_id": None, "limit": 3}).json()["results"]
        assert hits[0]["id"] == told["ids"][0] and hits[0]["pinned"] is True
        assert hits[0]["session_id"] == "before-restart"
        focus = client.get("/api/v1/memory/graph", params={"view": "focus", "seed_id": f"mem:{quentin}",
                                                             "max_hops": 1}).json()
        neighbours = {n["data"]["id"] for n in focus["elements"]["nodes"]}
        assert "ent:persisted marker" in neighbours and "ent:quentin blackwood" not in neighbours
        after = client.get(f"/api/v1/memory/entry/{lunch}").json()
        assert after["text"] == "The team lunch moved to Wednesdays at the harbour." and after["edited"] is True
        assert after["updated_at"] == fixed.json()["updated_at"] and after["session_id"] == "before-restart"
        moved = client.post("/api/v1/memory/search", json={"query": "lunch at the harbour on Wednesdays",
                                                           "session_id": "before-restart", "limit": 1}).json()
        assert moved["results"][0]["id"] == lunch
        lesson = wait_lesson(client, help_id)
        assert lesson["feedback"]["rating"] == "up" and lesson["feedback"]["comment"] == "great"
        # Dedupe state is rebuilt from the table after the restart.
        again = client.post("/api/v1/memory/ingest", json={"text": "My favourite colour is ultramarine blue.",
                                                           "session_id": "before-restart"}).json()
        assert again["ids"] == told["ids"] and again["deduplicated"] == 1

        kept = client.delete("/api/v1/memory/global", params={"keep_pinned": True}).json()
        assert kept["deleted"] >= 1
        remaining = client.get("/api/v1/memory/entries", params={"limit": 1000}).json()["entries"]
        assert remaining and all(e["pinned"] for e in remaining)
        wiped = client.delete("/api/v1/memory/global").json()
        assert wiped["deleted"] == len(remaining)
        assert client.post("/api/v1/memory/search", json={"query": "colour"}).json()["results"] == []
