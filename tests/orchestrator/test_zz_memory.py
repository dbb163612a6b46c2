"""Chat context with long-term memory: recall is injected when the user refers to the past, and
counted in `context_used`; a plain question does not pay for a recall."""

from __future__ import annotations

import httpx

from tests.conftest import ServerFactory
from tests.memory.conftest import wait_for_memory
from tests.orchestrator.conftest import Venom, wait_model


def test_memory_recall_is_used_and_recorded(server_factory: ServerFactory) -> None:
    srv = server_factory()
    assert wait_for_memory(srv.url)["status"] == "online"
    with httpx.Client(base_url=srv.url, timeout=300) as client:
        wait_model(client)
        venom = Venom(srv, client, srv.data_dir / "workspace")
        ingested = client.post("/api/v1/memory/ingest", json={
            "text": "The user's favourite colour is teal.", "session_id": "mem-s"})
        assert ingested.status_code == 200, ingested.text
        entry_ids = {e["id"] for e in client.get("/api/v1/memory/entries",
                                                 params={"session_id": "mem-s"}).json()["entries"]}

        recalled = venom.run({"content": "Do you remember my favourite colour?", "session_id": "mem-s",
                              "generation_params": {"max_tokens": 16}})
        assert recalled["status"] == "COMPLETED", recalled["error"]
        used = recalled["context_used"]["memory_entries"]
        assert used and set(used) <= entry_ids

        plain = venom.run({"content": "What is the capital of Italy?", "session_id": "mem-s",
                           "generation_params": {"max_tokens": 16}})
        assert plain["context_used"]["memory_entries"] == []
