"""`POST /api/v1/memory/ingest/batch` with the real model: per-item results, dedupe, limits."""

from __future__ import annotations

import httpx

BATCH = "/api/v1/memory/ingest/batch"


def search(client: httpx.Client, query: str, **extra: object) -> list[dict]:
    response = client.post("/api/v1/memory/search", json={"query": query, **extra})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_batch_stores_items_with_their_own_metadata_and_defaults(mem: httpx.Client) -> None:
    body = {
        "session_id": "batch-default",
        "items": [
            {"text": "The staging database password rotates every 30 days."},
            {"text": "Maria prefers her coffee with oat milk.", "session_id": "batch-maria", "type": "preference",
             "pinned": True, "topic": "coffee"},
            {"text": "The staging database password rotates every 30 days."},  # same as item 0
        ],
    }
    response = mem.post(BATCH, json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["count"] == 3 and data["chunks_count"] == 3 and data["deduplicated"] == 1
    first, maria, again = data["results"]
    assert first["deduplicated"] == 0 and again["deduplicated"] == 1
    assert again["ids"] == first["ids"]
    entry = mem.get(f"/api/v1/memory/entry/{maria['ids'][0]}").json()
    assert (entry["session_id"], entry["type"], entry["pinned"], entry["topic"]) == (
        "batch-maria", "preference", True, "coffee")
    assert mem.get(f"/api/v1/memory/entry/{first['ids'][0]}").json()["session_id"] == "batch-default"
    hits = search(mem, "how does Maria take her coffee?", limit=1)
    assert hits[0]["id"] == maria["ids"][0]
    # The single-text route sees batch entries as known (one dedupe index for both paths).
    single = mem.post("/api/v1/memory/ingest", json={"text": "maria prefers her COFFEE with oat milk.",
                                                     "session_id": "batch-maria", "type": "preference"}).json()
    assert single["ids"] == maria["ids"] and single["deduplicated"] == 1


def test_a_batch_larger_than_one_encoding_slice_is_stored_in_order(mem: httpx.Client) -> None:
    texts = [f"Inventory note {i}: shelf {i % 17} holds {i * 3} boxes of item SKU-{1000 + i}." for i in range(300)]
    texts[150] = "The spare office key is taped under the blue drawer in room 4B."
    response = mem.post(BATCH, json={"session_id": "batch-big", "type": "note", "items": [{"text": t} for t in texts]})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["count"] == 300 and data["deduplicated"] == 0
    ids = [r["ids"][0] for r in data["results"]]
    assert len(set(ids)) == 300
    assert mem.get(f"/api/v1/memory/entry/{ids[150]}").json()["text"] == texts[150]
    assert mem.get(f"/api/v1/memory/entry/{ids[299]}").json()["text"] == texts[299]
    hits = search(mem, "where is the spare office key?", session_id="batch-big", limit=1)
    assert hits[0]["id"] == ids[150]
    # Re-sending the whole batch stores nothing new and returns the same ids.
    again = mem.post(BATCH, json={"session_id": "batch-big", "type": "note", "items": [{"text": t} for t in texts]})
    assert again.json()["deduplicated"] == 300
    assert [r["ids"][0] for r in again.json()["results"]] == ids


def test_the_default_encoder_is_onnx_int8(mem: httpx.Client) -> None:
    checks = mem.get("/api/v1/system/services").json()
    detail = next(c for c in checks if c["name"] == "memory")["details"]
    assert detail["backend"] == "onnx-int8"  # onnxruntime is part of the memory profile


def test_batch_limits_and_bad_items(mem: httpx.Client) -> None:
    too_many = mem.post(BATCH, json={"items": [{"text": f"x{i}"} for i in range(1001)]})
    assert too_many.status_code == 413
    error = too_many.json()["error"]
    assert error["code"] == "batch_too_large"
    assert error["details"]["max_items"] == 1000 and error["details"]["items"] == 1001

    empty = mem.post(BATCH, json={"items": []})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "validation_error"

    blank = mem.post(BATCH, json={"items": [{"text": "fine"}, {"text": "   "}]})
    assert blank.status_code == 422
    assert blank.json()["error"]["details"][0]["loc"][:3] == ["body", "items", 1]

    bad_type = mem.post(BATCH, json={"items": [{"text": "fine", "type": "gossip"}]})
    assert bad_type.status_code == 422

    missing = mem.post(BATCH, json={"texts": ["wrong field"]})
    assert missing.status_code == 422
