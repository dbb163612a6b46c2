"""Per-model generation defaults (`/api/v1/models/defaults`): stored, validated, applied to tasks
under their own `generation_params`, and kept across a restart. On the fake runtime, which records
the parameters each call received."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.inproc.conftest import AppFactory, inproc_settings, run_task
from tests.inproc.fake_provider import FAKE_MODEL, FakeProvider
from venom_core.main import create_app
from venom_core.runtimes.base import GenerationParams

URL = f"/api/v1/models/defaults/fake/{FAKE_MODEL}"
DEFAULTS = {"temperature": 0.3, "top_p": 0.8, "context_length": 4096, "max_tokens": 77}


def fake_of(client: httpx.AsyncClient) -> FakeProvider:
    app: Any = client._transport.app  # type: ignore[attr-defined]
    provider = app.state.services.runtimes.provider("fake")
    assert isinstance(provider, FakeProvider)
    return provider


async def run_chat(client: httpx.AsyncClient, **extra: Any) -> GenerationParams:
    """Run a chat task; the parameters of its answer call (the one without a JSON schema)."""
    fake = fake_of(client)
    seen = len(fake.params)
    await run_task(client, {"content": "tell me about otters", "forced_intent": "GENERAL_CHAT", **extra})
    answers = [p for p in fake.params[seen:] if p.json_schema is None]
    assert answers, "the chat made no free-text call"
    return answers[-1]


async def test_defaults_apply_to_a_task_without_generation_params(aclient: httpx.AsyncClient) -> None:
    before = await run_chat(aclient)
    assert before.temperature is None and before.max_tokens is not None  # the agent's own length
    r = await aclient.put(URL, json=DEFAULTS)
    assert r.status_code == 200, r.text
    assert r.json() == {**DEFAULTS, "provider": "fake", "model": FAKE_MODEL, "is_set": True}
    assert (await aclient.get(URL)).json()["is_set"] is True
    listed = (await aclient.get("/api/v1/models/defaults")).json()
    assert listed["count"] == 1 and listed["items"][0]["model"] == FAKE_MODEL
    got = await run_chat(aclient)
    assert (got.temperature, got.top_p, got.context_length, got.max_tokens) == (0.3, 0.8, 4096, 77)


async def test_task_params_win_field_by_field(aclient: httpx.AsyncClient) -> None:
    assert (await aclient.put(URL, json=DEFAULTS)).status_code == 200
    got = await run_chat(aclient, generation_params={"temperature": 1.5, "max_tokens": 12})
    assert (got.temperature, got.max_tokens) == (1.5, 12)  # the task's own
    assert (got.top_p, got.context_length) == (0.8, 4096)  # the model's, for what the task left out


async def test_delete_restores_the_runtime_defaults(aclient: httpx.AsyncClient) -> None:
    assert (await aclient.put(URL, json={"temperature": 0.1})).status_code == 200
    r = await aclient.delete(URL)
    assert r.status_code == 200 and r.json()["is_set"] is False
    got = await run_chat(aclient)
    assert got.temperature is None


async def test_a_model_on_another_runtime_is_not_affected(aclient: httpx.AsyncClient) -> None:
    assert (await aclient.put("/api/v1/models/defaults/fake/other-model", json=DEFAULTS)).status_code == 200
    got = await run_chat(aclient)
    assert got.temperature is None


@pytest.mark.parametrize("body", [
    {"temperature": 2.5}, {"temperature": -0.1}, {"top_p": 1.2}, {"max_tokens": 0},
    {"max_tokens": 10_000_000}, {"context_length": 128}, {"temperature": "hot"}, {"seed": 1},
])
async def test_bad_values_are_422(aclient: httpx.AsyncClient, body: dict[str, Any]) -> None:
    r = await aclient.put(URL, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"]  # the stable error body


@pytest.mark.parametrize("model", ["..%2F..%2Fetc%2Fpasswd", "a%5Cb", "%2Fabs", "a%2F..%2Fb", "with%20space", "a%09b"])
async def test_a_model_name_with_path_characters_is_422(aclient: httpx.AsyncClient, model: str) -> None:
    r = await aclient.put(f"/api/v1/models/defaults/fake/{model}", json=DEFAULTS)
    assert r.status_code == 422, r.text  # never stored under such a name
    assert (await aclient.get("/api/v1/models/defaults")).json()["count"] == 0


async def test_an_unknown_runtime_is_404(aclient: httpx.AsyncClient) -> None:
    r = await aclient.put(f"/api/v1/models/defaults/nosuch/{FAKE_MODEL}", json=DEFAULTS)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_provider"


async def test_an_org_prefixed_model_name_is_fine(aclient: httpx.AsyncClient) -> None:
    r = await aclient.put("/api/v1/models/defaults/fake/Qwen/Qwen2.5-7B-Instruct", json={"top_p": 0.5})
    assert r.status_code == 200 and r.json()["model"] == "Qwen/Qwen2.5-7B-Instruct"


async def test_defaults_survive_a_restart(tmp_path: Path, make_client: AppFactory) -> None:
    del make_client  # only for its fixtures' registration of the fake runtime
    settings = inproc_settings(tmp_path / "one")

    async def once(step: Any) -> Any:
        app = create_app(settings)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                         base_url="http://127.0.0.1:8000") as client:
                return await step(client)
        finally:
            await lifespan.__aexit__(None, None, None)

    async def store(client: httpx.AsyncClient) -> None:
        assert (await client.put(URL, json=DEFAULTS)).status_code == 200

    await once(store)
    got = await once(run_chat)
    assert (got.temperature, got.top_p, got.context_length, got.max_tokens) == (0.3, 0.8, 4096, 77)
