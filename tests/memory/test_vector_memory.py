"""Vector memory through the HTTP API, with the real all-MiniLM-L6-v2 model."""

from __future__ import annotations

import httpx


def ingest(client: httpx.Client, text: str, **extra: object) -> dict:
    response = client.post("/api/v1/memory/ingest", json={"text": text, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def search(client: httpx.Client, query: str, **extra: object) -> list[dict]:
    response = client.post("/api/v1/memory/search", json={"query": query, **extra})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_recall_across_sessions(mem: httpx.Client) -> None:
    told = ingest(mem, "My favourite colour is teal.", session_id="colour-session-a")
    ingest(mem, "The weekly team meeting moved to Thursday at 10am.", session_id="colour-session-a")
    ingest(mem, "Our dog is called Biscuit and likes long walks.", session_id="other-session")
    hits = search(mem, "what is my favourite colour?", limit=3)
    assert hits[0]["id"] == told["ids"][0]
    assert hits[0]["text"] == "My favourite colour is teal."
    assert hits[0]["session_id"] == "colour-session-a"
    assert hits[0]["score"] > hits[1]["score"]
    # A session filter limits the search to that session.
    scoped = search(mem, "what is my favourite colour?", session_id="other-session")
    assert [h["session_id"] for h in scoped] == ["other-session"]


def test_dedupe_on_ingest(mem: httpx.Client) -> None:
    first = ingest(mem, "Venom's release train leaves every second Monday.", session_id="dedupe")
    again = ingest(mem, "  venom's release TRAIN leaves every second monday.  ", session_id="dedupe")
    assert first["deduplicated"] == 0 and again["deduplicated"] == 1
    assert again["ids"] == first["ids"]
    listed = mem.get("/api/v1/memory/entries", params={"session_id": "dedupe"}).json()
    assert listed["count"] == 1


def test_long_text_is_chunked_and_each_chunk_is_searchable(mem: httpx.Client) -> None:
    filler = " ".join(f"Paragraph filler sentence number {i} about nothing in particular." for i in range(120))
    text = f"{filler}\n\nThe secret launch code word is PELICAN-42.\n\n{filler}"
    result = ingest(mem, text, session_id="chunks", memory_type="document", topic="launch")
    assert result["chunks_count"] > 5
    hits = search(mem, "secret launch code word", session_id="chunks", limit=1, hybrid=True)
    assert "PELICAN-42" in hits[0]["text"]
    assert hits[0]["type"] == "document" and hits[0]["topic"] == "launch"


def test_hybrid_search_finds_exact_tokens(mem: httpx.Client) -> None:
    target = ingest(mem, "Ticket ZQX-9173 tracks the flaky login test.", session_id="hybrid")["ids"][0]
    body = mem.post("/api/v1/memory/search", json={"query": "ZQX-9173", "hybrid": True, "limit": 3}).json()
    assert body["mode"] == "hybrid"
    assert body["results"][0]["id"] == target
    assert "text" in body["results"][0]["matched"]


def test_pin_and_delete(mem: httpx.Client) -> None:
    entry = ingest(mem, "Remember that the staging database password rotates monthly.", session_id="pin")["ids"][0]
    assert mem.get(f"/api/v1/memory/entry/{entry}").json()["pinned"] is False
    pinned = mem.post(f"/api/v1/memory/entry/{entry}/pin")
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    assert mem.get(f"/api/v1/memory/entry/{entry}").json()["pinned"] is True
    only_pinned = search(mem, "staging database password", pinned_only=True, limit=10)
    assert entry in [h["id"] for h in only_pinned] and all(h["pinned"] for h in only_pinned)
    unpinned = mem.post(f"/api/v1/memory/entry/{entry}/pin", json={"pinned": False})
    assert unpinned.json()["pinned"] is False

    deleted = mem.delete(f"/api/v1/memory/entry/{entry}")
    assert deleted.status_code == 200 and deleted.json()["deleted"] == 1
    assert entry not in [h["id"] for h in search(mem, "staging database password", limit=10)]
    gone = mem.get(f"/api/v1/memory/entry/{entry}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "memory_entry_not_found"
    # Deleting frees the content hash: the same text can be stored again.
    again = ingest(mem, "Remember that the staging database password rotates monthly.", session_id="pin")
    assert again["deduplicated"] == 0 and again["ids"] != [entry]


def test_unknown_ids(mem: httpx.Client) -> None:
    for method, path in [("POST", "/api/v1/memory/entry/0123456789abcdef0123456789abcdef/pin"),
                         ("DELETE", "/api/v1/memory/entry/does-not-exist"),
                         ("GET", "/api/v1/memory/entry/x' OR '1'='1")]:
        response = mem.request(method, path)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"]["code"] == "memory_entry_not_found"


def test_bad_input(mem: httpx.Client) -> None:
    before = mem.get("/api/v1/memory/entries", params={"limit": 1000}).json()["count"]
    cases = [
        ("/api/v1/memory/ingest", {"text": ""}),
        ("/api/v1/memory/ingest", {"text": "   \n "}),
        ("/api/v1/memory/ingest", {"text": "x" * 100_001}),
        ("/api/v1/memory/ingest", {"text": "ok", "memory_type": "gossip"}),
        ("/api/v1/memory/ingest", {"text": "ok", "session_id": "s" * 129}),
        ("/api/v1/memory/search", {"query": ""}),
        ("/api/v1/memory/search", {"query": "fine", "limit": 0}),
        ("/api/v1/memory/search", {"query": "fine", "limit": 51}),
    ]
    for path, body in cases:
        response = mem.post(path, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["code"] == "validation_error"
    huge = mem.post("/api/v1/memory/ingest", content=b'{"text": "' + b"y" * 1_200_000 + b'"}',
                    headers={"content-type": "application/json"})
    assert huge.status_code == 413
    broken = mem.post("/api/v1/memory/ingest", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_json"
    assert mem.get("/api/v1/memory/entries", params={"limit": 1000}).json()["count"] == before


def test_memory_reports_ready_in_service_health(mem: httpx.Client) -> None:
    checks = mem.get("/api/v1/system/services").json()
    memory = next(c for c in checks if c["name"] == "memory")
    assert memory["status"] == "online"
    assert memory["details"]["model"] == "all-MiniLM-L6-v2" and memory["details"]["dim"] == 384
    assert memory["details"]["entries"] >= 1
