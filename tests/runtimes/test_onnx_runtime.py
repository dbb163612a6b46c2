"""The onnx runtime on a real model: the embedded GGUF converted offline by scripts/build_onnx_model.py.

Streams, follows a schema, stops on an abort and frees the model, reports usage, and serves a task
through the API. Bad model folders give a clear status instead of a crash.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, LiveServer
from tests.model_output import (
    CITIES,
    CITY_QUESTION,
    CITY_SCHEMA,
    ENDLESS_SCHEMA,
    assert_answer_in_enum,
    response_format,
)
from tests.runtimes.conftest import abort_mid_answer, start_venom, wait_task
from venom_core.runtimes.base import ChatMessage, Chunk, GenerationParams, RuntimeError_
from venom_core.runtimes.onnx_genai import OnnxGenaiProvider

pytest.importorskip("onnxruntime_genai")


@pytest.fixture(scope="session")
def onnx_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("onnx") / "smollm2-onnx"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_onnx_model.py"), str(out)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


async def collect(provider: OnnxGenaiProvider, params: GenerationParams, content: str = CITY_QUESTION) -> list[Chunk]:
    await provider.load()
    try:
        return [c async for c in provider.stream([ChatMessage("user", content)], params)]
    finally:
        await provider.close()


async def test_the_onnx_runtime_streams_an_answer_with_usage(onnx_model: Path) -> None:
    chunks = await collect(OnnxGenaiProvider(model_path=onnx_model), GenerationParams(max_tokens=16, temperature=0))
    texts = [c.text for c in chunks if c.text]
    assert len(texts) > 1, "the answer did not stream in pieces"
    assert chunks[-2].finish_reason in ("stop", "length")
    usage = chunks[-1].usage
    assert usage is not None and usage["prompt_tokens"] > 0 and 0 < usage["completion_tokens"] <= 16


async def test_a_schema_constrains_the_onnx_answer(onnx_model: Path) -> None:
    chunks = await collect(OnnxGenaiProvider(model_path=onnx_model),
                     GenerationParams(max_tokens=40, temperature=0, json_schema=CITY_SCHEMA))
    assert_answer_in_enum("".join(c.text for c in chunks), "city", CITIES)


async def test_an_abort_stops_the_onnx_generation_and_frees_the_model(onnx_model: Path) -> None:
    provider = OnnxGenaiProvider(model_path=onnx_model)
    await provider.load()
    endless = GenerationParams(max_tokens=4000, temperature=0, json_schema=ENDLESS_SCHEMA)
    stream = provider.stream([ChatMessage("user", "Write many words.")], endless)
    await anext(stream)
    await stream.aclose()  # what cancelling the consuming task does
    for _ in range(600):
        if provider.active_generations == 0:
            break
        await asyncio.sleep(0.05)
    assert provider.active_generations == 0, "the generation kept running after the abort"
    nxt = [c async for c in provider.stream([ChatMessage("user", "Hi")], GenerationParams(max_tokens=4))]
    await provider.close()
    assert any(c.text for c in nxt), "the model did not serve the next request"


async def test_bad_model_folders_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "genai_config.json").write_text("{not json")

    async def load(path: Path | None) -> tuple[str, str, str]:
        provider = OnnxGenaiProvider(model_path=path)
        with pytest.raises(RuntimeError_) as err:
            await provider.load()
        return err.value.code, provider.status, provider.error

    assert (await load(None))[:2] == ("model_missing", "error")
    code, status, error = await load(tmp_path / "empty")
    assert (code, status) == ("model_load_failed", "error") and "genai_config.json" in error
    assert (await load(broken))[:2] == ("model_load_failed", "error")


@pytest.fixture(scope="module")
def onnx_api(tmp_path_factory: pytest.TempPathFactory, onnx_model: Path) -> Iterator[httpx.Client]:
    srv: LiveServer = start_venom(tmp_path_factory, "venom-onnx", LLM_PROVIDER="onnx",
                                  VENOM_ONNX_MODEL_PATH=str(onnx_model), VENOM_EMBEDDED_THREADS="1")
    try:
        with httpx.Client(base_url=srv.url, timeout=120) as c:
            deadline = time.monotonic() + 120
            while c.get("/api/v1/system/status").json()["llm_runtime"]["status"] == "loading":
                assert time.monotonic() < deadline, "the onnx model did not load"
                time.sleep(0.1)
            yield c
    finally:
        srv.stop()


def test_a_task_runs_on_the_onnx_runtime(onnx_api: httpx.Client) -> None:
    status = onnx_api.get("/api/v1/system/status").json()["llm_runtime"]
    assert (status["provider"], status["status"], status["model"]) == ("onnx", "ready", "smollm2-onnx")
    tid = onnx_api.post("/api/v1/tasks", json={
        "content": CITY_QUESTION, "forced_intent": "GENERAL_CHAT", "store_knowledge": False,
        "generation_params": {"max_tokens": 40, "temperature": 0,
                              "response_format": response_format(CITY_SCHEMA)}}).json()["task_id"]
    task = wait_task(onnx_api, tid)
    assert task["status"] == "COMPLETED", task["error"]
    assert task["llm_runtime"]["provider"] == "onnx"
    assert_answer_in_enum(task["result"], "city", CITIES)
    models = onnx_api.get("/api/v1/models").json()
    assert "smollm2-onnx" in str(models)


def test_an_api_abort_cancels_an_onnx_task(onnx_api: httpx.Client) -> None:
    abort_mid_answer(onnx_api)
