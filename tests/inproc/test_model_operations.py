"""`GET /api/v1/models/operations` is read from the event log: a pull in progress is listed after a
reload, and one a stop cut short is `interrupted` after the restart. The progress events are
appended as the install route appends them (tests/runtimes/test_models_api.py runs a real pull
against the Ollama-protocol double)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.conftest import free_port
from tests.inproc.conftest import AppFactory, inproc_settings
from venom_core.api.routes.model_ops import fold
from venom_core.api.routes.models import MODEL_INSTALL_PROGRESS
from venom_core.main import create_app


async def _with_app(settings: Any, step: Any) -> Any:
    app = create_app(settings)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://127.0.0.1:8000") as client:
            return await step(app, client)
    finally:
        await lifespan.__aexit__(None, None, None)


async def _ops(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    r = await client.get("/api/v1/models/operations")
    assert r.status_code == 200, r.text
    return {o["operation_id"]: o for o in r.json()["operations"]}


async def test_a_pull_cut_short_by_a_stop_is_interrupted(tmp_path: Path, make_client: AppFactory) -> None:
    del make_client  # for the fake runtime's registration only
    settings = inproc_settings(tmp_path / "one")

    async def pulling(app: Any, client: httpx.AsyncClient) -> None:
        log = app.state.services.log
        for op_id, percent, done in (("op-done", 100.0, True), ("op-running", 40.0, False)):
            log.append(None, MODEL_INSTALL_PROGRESS, message="m: pulling", agent="Models",
                       data={"operation_id": op_id, "name": f"{op_id}:1b", "provider": "ollama",
                             "status": "success" if done else "pulling", "attempt": 1, "percent": percent,
                             "done": done})
        ops = await _ops(client)  # a reload of the page: still there, still running
        assert (ops["op-running"]["status"], ops["op-running"]["progress"]) == ("in_progress", 40.0)
        assert ops["op-done"]["status"] == "completed"

    async def after_restart(app: Any, client: httpx.AsyncClient) -> None:
        ops = await _ops(client)
        assert ops["op-running"]["status"] == "interrupted" and ops["op-running"]["error"]
        assert ops["op-running"]["progress"] == 40.0
        assert ops["op-done"]["status"] == "completed"  # a finished one stays finished

    await _with_app(settings, pulling)
    await _with_app(settings, after_restart)


def test_fold_without_a_boot_time_keeps_running_ones() -> None:
    from datetime import UTC, datetime
    ts = datetime(2026, 1, 1, tzinfo=UTC)
    [op] = fold([(ts, {"operation_id": "a", "name": "x", "status": "pulling", "percent": 10})])
    assert op.status == "in_progress"
    [op] = fold([(ts, {"operation_id": "a", "name": "x", "status": "pulling"})], datetime(2026, 1, 2, tzinfo=UTC))
    assert op.status == "interrupted"


async def test_delete_while_ollama_is_down_is_409_saying_what_to_do(make_client: AppFactory) -> None:
    client = await make_client(VENOM_OLLAMA_ENDPOINT=f"http://127.0.0.1:{free_port()}")
    r = await client.delete("/api/v1/models/some:1b")
    assert r.status_code == 409 and r.json()["error"]["code"] == "llm_connection_error", r.text
    assert "Start that server" in r.json()["error"]["message"]
