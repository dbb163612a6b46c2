"""The conversation list `/api/v1/sessions` against a real server: titles, order, paging through
the `Link` header, search, rename, pin, delete, restarts, an older database, bad input.

The chats are help fast-path tasks (`forced_intent=HELP_REQUEST`): real tasks that record session
history without a model. Every test runs on both storage backends (SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from websockets.sync.client import connect

from tests.conftest import LiveServer, ServerFactory
from tests.sse import read_stream
from venom_core.storage import migrate

LINK = re.compile(r'^<([^>]+)>; rel="next"$')


@pytest.fixture
def server(server_factory: ServerFactory, database_url: str) -> LiveServer:
    return server_factory(VENOM_DATABASE_URL=database_url)


def chat(client: httpx.Client, session_id: str, content: str) -> str:
    created = client.post("/api/v1/tasks", json={"content": content, "session_id": session_id,
                                                 "forced_intent": "HELP_REQUEST"})
    assert created.status_code == 201, created.text
    task_id = str(created.json()["task_id"])
    frames = read_stream(client, task_id)
    assert frames[-1].event == "task_finished" and frames[-1].data["status"] == "COMPLETED"
    return task_id


def listing(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    resp = client.get("/api/v1/sessions", params=params)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert isinstance(body, list)
    return body


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [s["session_id"] for s in items]


def assert_error(resp: httpx.Response, status: int, code: str | None = None) -> None:
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["message"] and set(err) == {"code", "message", "details", "retryable"}
    if code is not None:
        assert err["code"] == code


def test_list_after_chats_is_newest_first_with_titles_and_counts(client: httpx.Client) -> None:
    assert listing(client) == []
    chat(client, "s-alpha", "  What can\n you   do?  ")
    long_text = "Explain " + "very " * 60 + "carefully"
    chat(client, "s-beta", long_text)
    chat(client, "s-gamma", "third conversation")
    chat(client, "s-alpha", "and a follow-up")  # alpha has the newest message now

    items = listing(client)
    assert ids(items) == ["s-alpha", "s-gamma", "s-beta"]
    alpha, _, beta = items
    assert set(alpha) == {"session_id", "title", "pinned", "message_count", "created_at", "updated_at"}
    assert alpha["title"] == "What can you do?"  # the first user message, whitespace collapsed
    assert alpha["message_count"] == 4 and beta["message_count"] == 2
    assert alpha["pinned"] is False
    assert alpha["updated_at"] >= alpha["created_at"]
    assert beta["title"].startswith("Explain very") and beta["title"].endswith("…")
    assert len(beta["title"]) <= 80 and "\n" not in beta["title"]
    # A task without a session adds no conversation.
    client.post("/api/v1/tasks", json={"content": "no session", "forced_intent": "HELP_REQUEST"})
    one = client.get("/api/v1/sessions/s-beta")
    assert one.status_code == 200 and one.json() == beta


def test_pages_follow_the_link_header_to_the_end_without_repeats(client: httpx.Client) -> None:
    for n in range(7):
        chat(client, f"page-{n}", f"conversation number {n}")
    expected = ids(listing(client))
    assert expected == [f"page-{n}" for n in reversed(range(7))]

    seen: list[str] = []
    url: str | None = "/api/v1/sessions?limit=3"
    pages = 0
    while url is not None:
        resp = client.get(url)
        assert resp.status_code == 200, resp.text
        seen += ids(resp.json())
        pages += 1
        link = resp.headers.get("link")
        url = LINK.match(link).group(1) if link else None  # type: ignore[union-attr]
        if url is not None:
            assert url.startswith("/api/v1/sessions?") and "limit=3" in url
    assert pages == 3 and seen == expected and len(set(seen)) == len(seen)
    # Filters ride along in the next link.
    first = client.get("/api/v1/sessions", params={"limit": 2, "q": "conversation"})
    assert "q=conversation" in first.headers["link"]
    # The UI calls the API from its own origin: it may read the header.
    ui = client.get("/api/v1/sessions", params={"limit": 2}, headers={"Origin": "http://localhost:3000"})
    exposed = {h.strip().lower() for h in ui.headers["access-control-expose-headers"].split(",")}
    assert "link" in exposed and ui.headers["access-control-allow-origin"] == "http://localhost:3000"


def test_search_by_title_and_content(client: httpx.Client) -> None:
    chat(client, "find-1", "Plan a trip to Kraków")
    chat(client, "find-2", "Something else entirely")
    chat(client, "find-2", "what about zebra-stripes?")  # in the history, not the title
    chat(client, "find-3", "100% sure")
    assert ids(listing(client, q="krak")) == ["find-1"]
    assert ids(listing(client, q="ZEBRA-STRIPES")) == ["find-2"]  # case-insensitive
    assert ids(listing(client, q="%")) == ["find-3"]  # a literal %, not a wildcard
    assert listing(client, q="no-such-words-anywhere") == []
    assert len(listing(client, q="   ")) == 3  # blank means no search


def test_rename_pin_and_their_events(client: httpx.Client, server: LiveServer) -> None:
    chat(client, "old", "the older one")
    chat(client, "new", "the newer one")
    renamed = client.patch("/api/v1/sessions/old", json={"title": "  Holiday plans  "})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["title"] == "Holiday plans" and renamed.json()["pinned"] is False
    assert ids(listing(client)) == ["new", "old"]  # a rename does not reorder

    pinned = client.patch("/api/v1/sessions/old", json={"pinned": True})
    assert pinned.json()["pinned"] is True and pinned.json()["title"] == "Holiday plans"
    assert ids(listing(client)) == ["old", "new"]  # pinned first
    assert ids(listing(client, pinned=True)) == ["old"]
    assert ids(listing(client, pinned=False)) == ["new"]
    chat(client, "new", "still newer")
    assert ids(listing(client)) == ["old", "new"]

    with connect(f"{server.ws_url}/ws/events?since=0&types=SESSION_*") as ws:
        events = [json.loads(ws.recv(timeout=10)) for _ in range(2)]
    assert [e["type"] for e in events] == ["SESSION_UPDATED", "SESSION_UPDATED"]
    assert events[0]["data"]["session_id"] == "old" and events[0]["data"]["title"] == "Holiday plans"
    assert events[1]["data"]["pinned"] is True


def test_bad_patches_are_refused_with_the_envelope(client: httpx.Client) -> None:
    chat(client, "target", "hello")
    assert_error(client.patch("/api/v1/sessions/nope", json={"title": "x"}), 404, "session_not_found")
    assert_error(client.get("/api/v1/sessions/nope"), 404, "session_not_found")
    for bad in ({}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"pinned": "yes"},
                {"title": "ok", "colour": "red"}, {"title": 5}):
        assert_error(client.patch("/api/v1/sessions/target", json=bad), 422, "validation_error")
    assert client.get("/api/v1/sessions/target").json()["title"] == "hello"  # nothing changed


@pytest.mark.parametrize("cursor", ["garbage!", "bm90IGpzb24", "WzEsMiwzXQ", "WzIsIjIwMjYtMDEtMDEiLCJ4Il0"])
def test_a_cursor_not_from_the_api_is_a_clear_400(client: httpx.Client, cursor: str) -> None:
    assert_error(client.get("/api/v1/sessions", params={"cursor": cursor}), 400, "invalid_cursor")


def test_bad_list_parameters_are_422(client: httpx.Client) -> None:
    for params in ({"limit": 0}, {"limit": 201}, {"pinned": "maybe"}, {"q": "x" * 201}):
        assert_error(client.get("/api/v1/sessions", params=params), 422, "validation_error")


def test_delete_removes_history_and_summary_but_keeps_tasks(client: httpx.Client, server: LiveServer) -> None:
    task_id = chat(client, "doomed", "forget me")
    chat(client, "kept", "keep me")
    gone = client.delete("/api/v1/sessions/doomed")
    assert gone.status_code == 200, gone.text
    assert gone.json()["deleted_messages"] == 2 and gone.json()["session_id"] == "doomed"
    assert ids(listing(client)) == ["kept"]
    history = client.get("/api/v1/memory/session/doomed").json()
    assert history["history"] == [] and history["summary"] == ""
    task = client.get(f"/api/v1/tasks/{task_id}")
    assert task.status_code == 200 and task.json()["status"] == "COMPLETED"
    assert_error(client.delete("/api/v1/sessions/doomed"), 404, "session_not_found")
    with connect(f"{server.ws_url}/ws/events?since=0&types=SESSION_DELETED") as ws:
        event = json.loads(ws.recv(timeout=10))
    assert event["data"] == {"session_id": "doomed"}
    # The same session id can start over.
    chat(client, "doomed", "a new start")
    assert listing(client)[0]["title"] == "a new start"


def test_clear_keeps_the_conversation_in_the_list(client: httpx.Client) -> None:
    chat(client, "cleared", "remember the name")
    client.patch("/api/v1/sessions/cleared", json={"pinned": True})
    created = client.post("/api/v1/tasks", json={"content": "/clear", "session_id": "cleared"}).json()
    read_stream(client, created["task_id"])
    item = client.get("/api/v1/sessions/cleared").json()
    assert item["message_count"] == 0 and item["pinned"] is True and item["title"] == "remember the name"


def test_the_list_survives_a_restart(server_factory: ServerFactory, database_url: str) -> None:
    srv = server_factory(VENOM_DATABASE_URL=database_url)
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        chat(c, "one", "first of all")
        chat(c, "two", "second")
        c.patch("/api/v1/sessions/one", json={"title": "Kept title", "pinned": True})
        before = listing(c)
    srv.restart()
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        assert listing(c) == before
        chat(c, "two", "after the restart")
        after = listing(c)
        assert ids(after) == ["one", "two"] and after[1]["message_count"] == 4


def test_an_older_database_gets_its_conversations_listed(server_factory: ServerFactory, database_url: str) -> None:
    srv = server_factory(start=False, VENOM_DATABASE_URL=database_url)
    command.upgrade(migrate.alembic_config(database_url), "orch_0001")  # before the list existed
    engine = sa.create_engine(migrate.sync_url(database_url))
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO session_messages (session_id, role, content, task_id, created_at) "
                        "VALUES (:s, :r, :c, NULL, :t)"),
                [{"s": "legacy", "r": "user", "c": "an old\nquestion", "t": "2026-11-01 10:00:00.000000"},
                 {"s": "legacy", "r": "assistant", "c": "an old answer", "t": "2026-11-01 10:00:01.000000"},
                 {"s": "legacy-2", "r": "user", "c": "newer question", "t": "2026-11-02 10:00:00.000000"},
                 {"s": "legacy-2", "r": "assistant", "c": "newer answer", "t": "2026-11-02 10:00:01.000000"}])
    finally:
        engine.dispose()
    srv.start()
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        items = listing(c)
    assert [(s["session_id"], s["title"], s["message_count"]) for s in items] == [
        ("legacy-2", "newer question", 2), ("legacy", "an old question", 2)]
    assert items[1]["updated_at"] == "2026-11-01T10:00:01Z"
