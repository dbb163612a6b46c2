"""Without onnxruntime, `auto` falls back to the PyTorch encoder, which still works end to end."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import ROOT, ServerFactory
from tests.memory.conftest import wait_for_memory


def test_without_onnxruntime_auto_uses_torch(server_factory: ServerFactory, tmp_path: Path) -> None:
    shim = tmp_path / "shim" / "onnxruntime"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text('raise ModuleNotFoundError("no onnxruntime here", name="onnxruntime")\n')
    srv = server_factory(PYTHONPATH=f"{shim.parent}:{ROOT}")
    state = wait_for_memory(srv.url)
    assert state["status"] == "online" and state["detail"]["backend"] == "torch"
    with httpx.Client(base_url=srv.url, timeout=60) as client:
        facts = ["The boiler service is booked for the 3rd of May.", "Priya's cat is called Mochi.",
                 "Our Wi-Fi password is on the fridge."]
        body = client.post("/api/v1/memory/ingest/batch", json={"items": [{"text": t} for t in facts]}).json()
        ids = [r["ids"][0] for r in body["results"]]
        hits = client.post("/api/v1/memory/search", json={"query": "what is the name of Priya's cat?"}).json()
        assert hits["results"][0]["id"] == ids[1]
