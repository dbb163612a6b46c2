"""Opt-in LLM entity enrichment (VENOM_MEMORY_LLM_ENTITIES) with the real embedded model."""

from __future__ import annotations

import json
import time

import httpx

from tests.conftest import ServerFactory
from tests.memory.conftest import wait_for_memory


def test_enrichment_is_off_by_default(mem: httpx.Client) -> None:
    summary = mem.get("/api/v1/graph/summary").json()
    assert summary["memory"]["llm_entities"] == {"enabled": False}


def test_llm_entities_join_the_graph_without_blocking_search(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_MEMORY_LLM_ENTITIES="true", VENOM_MEMORY_LLM_ENTITIES_PROVIDER="embedded")
    assert wait_for_memory(srv.url)["status"] == "online"
    text = "Ziggy the hamster sleeps in a blue teapot in Lisbon every afternoon."
    with httpx.Client(base_url=srv.url, timeout=60) as client:
        entry = client.post("/api/v1/memory/ingest", json={"text": text, "session_id": "pets"}).json()["ids"][0]
        # Search answers while the enrichment runs in the background.
        hits = client.post("/api/v1/memory/search", json={"query": "where does the hamster sleep?"}).json()
        assert hits["results"][0]["id"] == entry
        deadline = time.monotonic() + 300
        state: dict = {}
        while time.monotonic() < deadline:
            state = client.get("/api/v1/graph/summary").json()["memory"]["llm_entities"]
            if state["enriched"] or state["failed"]:
                break
            time.sleep(1)
        assert state.get("enabled") is True
        # The embedded model ships with the default profile, so a failed or missing enrichment is
        # the feature broken (or the model call failing), never a reason to skip.
        assert state["enriched"] and not state["failed"], f"the entry was not enriched: {state}"
        saved = srv.data_dir / "data" / "memory" / "graph_entities.jsonl"
        lines = [json.loads(line) for line in saved.read_text().splitlines()]
        mine = [x for x in lines if x["k"] == entry and x.get("llm")]
        assert mine, "the enriched entities were not persisted"
        names = [name for name, _ in mine[-1]["e"]]
        # The heuristic entities stay, and every name the model added occurs in the note.
        assert "Ziggy" in names and "Lisbon" in names
        assert all(name.lower() in text.lower() for name in names)
        focus = client.get("/api/v1/memory/graph", params={"view": "focus", "seed_id": f"mem:{entry}",
                                                             "max_hops": 1}).json()
        shown = {n["data"]["id"] for n in focus["elements"]["nodes"]}
        assert {eid for _, eid in mine[-1]["e"]} <= shown
