"""The PyTorch encoder still works (it is what `auto` falls back to without onnxruntime)."""

from __future__ import annotations

import httpx

from tests.conftest import ServerFactory
from tests.memory.conftest import wait_for_memory


def test_torch_backend_ingests_and_searches(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_MEMORY_EMBED_BACKEND="torch")
    state = wait_for_memory(srv.url)
    assert state["status"] == "online" and state["detail"]["backend"] == "torch"
    with httpx.Client(base_url=srv.url, timeout=60) as client:
        facts = ["The boiler service is booked for the 3rd of May.", "Priya's cat is called Mochi.",
                 "Our Wi-Fi password is on the fridge."]
        body = client.post("/api/v1/memory/ingest/batch", json={"items": [{"text": t} for t in facts]}).json()
        ids = [r["ids"][0] for r in body["results"]]
        hits = client.post("/api/v1/memory/search", json={"query": "what is the name of Priya's cat?"}).json()
        assert hits["results"][0]["id"] == ids[1]
