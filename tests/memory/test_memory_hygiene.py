"""Memory hygiene through the HTTP API: where each entry came from, correcting it (embedded again,
so search finds the new words) and the refusals of bad corrections. Real server, real model."""

from __future__ import annotations

import httpx

from tests.memory.test_vector_memory import ingest, search


def entry(client: httpx.Client, entry_id: str) -> dict:
    response = client.get(f"/api/v1/memory/entry/{entry_id}")
    assert response.status_code == 200, response.text
    return response.json()


def correct(client: httpx.Client, entry_id: str, body: dict) -> httpx.Response:
    return client.patch(f"/api/v1/memory/entries/{entry_id}", json=body)


def test_an_api_ingest_records_its_origin(mem: httpx.Client) -> None:
    text = "The quarterly review happens in the Orchid meeting room."
    entry_id = ingest(mem, text, session_id="origin-api")["ids"][0]
    stored = entry(mem, entry_id)
    assert stored["origin"] == "manual" and stored["source"] == "api"
    assert stored["session_id"] == "origin-api" and stored["task_id"] is None
    assert stored["edited"] is False and stored["updated_at"] == stored["created_at"] > 0
    listed = mem.get("/api/v1/memory/entries", params={"session_id": "origin-api"}).json()["entries"]
    assert [(e["id"], e["origin"]) for e in listed] == [(entry_id, "manual")]


def test_newest_entries_are_listed_first(mem: httpx.Client) -> None:
    first = ingest(mem, "The first note of the ordering test is about apples.", session_id="order")["ids"][0]
    second = ingest(mem, "The second note of the ordering test is about pears.", session_id="order")["ids"][0]
    listed = mem.get("/api/v1/memory/entries", params={"session_id": "order"}).json()["entries"]
    assert [e["id"] for e in listed] == [second, first]
    assert correct(mem, first, {"text": "The first note of the ordering test is about plums."}).status_code == 200
    listed = mem.get("/api/v1/memory/entries", params={"session_id": "order"}).json()["entries"]
    assert [e["id"] for e in listed] == [first, second]


def test_a_correction_changes_what_search_finds(mem: httpx.Client) -> None:
    entry_id = ingest(mem, "The office plant is a cactus named Spike.", session_id="fix-me")["ids"][0]
    before = entry(mem, entry_id)
    assert search(mem, "cactus named Spike", session_id="fix-me", limit=1)[0]["id"] == entry_id

    response = correct(mem, entry_id, {"text": "  The office plant is a fern named Frondella.  "})
    assert response.status_code == 200, response.text
    fixed = response.json()
    assert fixed["id"] == entry_id and fixed["text"] == "The office plant is a fern named Frondella."
    assert fixed["edited"] is True and fixed["updated_at"] >= before["created_at"]
    # The origin stays: session, task, source, type and creation time are those of the first ingest.
    for key in ("session_id", "task_id", "source", "origin", "type", "created_at", "pinned"):
        assert fixed[key] == before[key], key
    assert entry(mem, entry_id) == fixed
    # The reference client's knowledge list shows the correction too.
    known = mem.get("/api/v1/knowledge/entries", params={"session_id": "fix-me"}).json()["entries"]
    listed = next(k for k in known if k["entry_id"] == entry_id)
    assert listed["content"] == fixed["text"] and listed["updated_at"] and listed["metadata"]["edited"] is True

    # The vector was computed again: a search for the new words finds the entry, with its new text.
    hit = search(mem, "fern named Frondella", session_id="fix-me", limit=1)[0]
    assert hit["id"] == entry_id and hit["text"] == fixed["text"]
    # The full-text half knows the new words too, and no longer holds the old text anywhere.
    hybrid = search(mem, "Frondella", hybrid=True, limit=5)
    assert hybrid[0]["id"] == entry_id and "text" in hybrid[0]["matched"]
    assert all("Spike" not in h["text"] for h in search(mem, "cactus named Spike", limit=20, hybrid=True))
    # The old text is free again; the corrected one is a known duplicate.
    again = ingest(mem, "The office plant is a cactus named Spike.", session_id="fix-me")
    assert again["deduplicated"] == 0 and again["ids"] != [entry_id]
    same = ingest(mem, "the office plant is a FERN named Frondella.", session_id="fix-me")
    assert same["deduplicated"] == 1 and same["ids"] == [entry_id]


def test_pin_through_a_correction(mem: httpx.Client) -> None:
    entry_id = ingest(mem, "Backups of the wiki run every night at two.", session_id="pin-patch")["ids"][0]
    pinned = correct(mem, entry_id, {"pinned": True})
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True and pinned.json()["edited"] is False
    both = correct(mem, entry_id, {"text": "Backups of the wiki run every night at three.", "pinned": False}).json()
    assert both["pinned"] is False and both["edited"] is True
    assert entry(mem, entry_id)["pinned"] is False


def test_bad_corrections_are_refused_and_change_nothing(mem: httpx.Client) -> None:
    entry_id = ingest(mem, "The parking garage closes at midnight.", session_id="bad-patch")["ids"][0]
    other = ingest(mem, "The canteen opens at seven.", session_id="bad-patch")["ids"][0]
    before = entry(mem, entry_id)
    for body in ({"text": ""}, {"text": "   \n "}, {"text": "x" * 4001}, {}, {"text": None, "pinned": None},
                 {"text": "fine", "colour": "red"}, {"pinned": "sometimes"}):
        response = correct(mem, entry_id, body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["code"] == "validation_error"
    missing = correct(mem, "no-such-entry", {"text": "Anything at all."})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "memory_entry_not_found"
    too_long_id = correct(mem, "x" * 65, {"text": "Anything at all."})
    assert too_long_id.status_code == 422
    # Another entry of the same session and type already says this: 409, naming it.
    duplicate = correct(mem, entry_id, {"text": "the canteen opens at SEVEN."})
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "memory_entry_duplicate"
    assert duplicate.json()["error"]["details"]["existing_id"] == other
    assert entry(mem, entry_id) == before
    # The longest allowed text is accepted.
    assert correct(mem, entry_id, {"text": "y" * 4000}).status_code == 200


def test_the_graph_tells_document_chunks_from_memories(mem: httpx.Client) -> None:
    doc = ingest(mem, "Chapter one of the handbook explains the onboarding checklist.", session_id="kinds",
                 memory_type="document")["ids"][0]
    fact = ingest(mem, "Ines prefers meetings after lunch.", session_id="kinds")["ids"][0]
    graph = mem.get("/api/v1/memory/graph", params={"session_id": "kinds", "limit": 500}).json()
    nodes = {n["data"]["id"]: n["data"] for n in graph["elements"]["nodes"]}
    assert nodes[f"mem:{doc}"]["type"] == "document_chunk" and nodes[f"mem:{doc}"]["origin"] == "document"
    assert nodes[f"mem:{fact}"]["type"] == "memory" and nodes[f"mem:{fact}"]["origin"] == "manual"
    # The reference client reads a node's session from `data.meta` as well.
    assert nodes[f"mem:{fact}"]["meta"]["session_id"] == "kinds"
    assert graph["stats"]["node_types"]["document_chunk"] >= 1
    full = {"view": "full", "limit_nodes": 10_000, "source": "memory"}
    knowledge = mem.get("/api/v1/knowledge/graph", params=full).json()
    kinds = {n["data"]["id"]: n["data"]["type"] for n in knowledge["elements"]["nodes"]}
    assert kinds[f"mem:{doc}"] == "document_chunk" and kinds[f"mem:{fact}"] == "memory"


def test_a_correction_replaces_the_entities_in_the_graph(mem: httpx.Client) -> None:
    entry_id = ingest(mem, "Bartholomew Quill runs the Lisbon warehouse.", session_id="ent-fix")["ids"][0]
    params = {"session_id": "ent-fix", "view": "focus", "seed_id": f"mem:{entry_id}", "max_hops": 1}

    def entities() -> set[str]:
        graph = mem.get("/api/v1/memory/graph", params=params).json()
        return {n["data"]["label"] for n in graph["elements"]["nodes"] if n["data"]["type"] == "entity"}

    assert "Bartholomew Quill" in entities()
    assert correct(mem, entry_id, {"text": "Cornelia Voss runs the Lisbon warehouse."}).status_code == 200
    now = entities()
    assert "Cornelia Voss" in now and "Bartholomew Quill" not in now
