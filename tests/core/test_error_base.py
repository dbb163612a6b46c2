"""One error base class and one renderer: every domain error answers in the same envelope with its
own status, whether a route raises it or lets it through."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from venom_core.api.errors import ApiError, install_error_handlers
from venom_core.config_store import ConfigError
from venom_core.core.errors import VenomError
from venom_core.documents.errors import DocumentError
from venom_core.memory.service import MemoryUnavailable
from venom_core.storage.base import StorageUnavailable
from venom_core.tools.mcp.address import AddressRefused
from venom_core.tools.mcp.config import ConfigFileError
from venom_core.tools.spec import ToolArgumentsInvalid, ToolNotFound, ToolUnavailable

CASES: list[tuple[VenomError, int, str, bool]] = [
    (ApiError(404, "task_not_found", "There is no task with id x."), 404, "task_not_found", False),
    (ApiError(503, "memory_loading", "Loading.", headers={"Retry-After": "5"}), 503, "memory_loading", True),
    (DocumentError(415, "unsupported_type", "Not a document type Venom reads."), 415, "unsupported_type", False),
    (ToolNotFound("tool_not_found", "No such tool."), 404, "tool_not_found", False),
    (ToolArgumentsInvalid("invalid_arguments", "Bad arguments.", {"path": "x"}), 422, "invalid_arguments", False),
    (ToolUnavailable("tool_unavailable", "The server is down."), 409, "tool_unavailable", False),
    (StorageUnavailable("The disk is full."), 503, "storage_unavailable", True),
    (ConfigError(409, "set_by_environment", "The environment sets it."), 409, "set_by_environment", False),
    (MemoryUnavailable("memory_loading", "Memory is loading."), 503, "memory_loading", True),
    (MemoryUnavailable("memory_disabled", "Memory is off."), 503, "memory_disabled", False),
    (AddressRefused("'x' is not an http:// URL"), 400, "address_refused", False),
    (ConfigFileError(Path("mcp.json"), "is not valid JSON"), 422, "mcp_config_invalid", False),
]


def _app(exc: Exception) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise exc

    return app


async def _get(app: FastAPI) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                                 base_url="http://test") as client:
        return await client.get("/boom")


@pytest.mark.parametrize(("exc", "status", "code", "retryable"), CASES, ids=[c[2] + str(c[1]) for c in CASES])
def test_every_domain_error_renders_in_the_envelope(exc: VenomError, status: int, code: str,
                                                    retryable: bool) -> None:
    assert isinstance(exc, VenomError)
    assert (exc.status, exc.code, exc.retryable) == (status, code, retryable)
    r = asyncio.run(_get(_app(exc)))
    assert r.status_code == status
    error = r.json()["error"]
    assert error == {"code": code, "message": exc.message, "details": exc.details, "retryable": retryable}
    assert error["message"], "a sentence, never empty"
    if retryable and status == 503:
        assert r.headers["retry-after"] == "5"


def test_an_unexpected_error_is_a_500_without_a_traceback() -> None:
    r = asyncio.run(_get(_app(KeyError("secret internals"))))
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal_error" and "secret internals" not in r.text


def test_the_messages_survive_str() -> None:
    # Callers log and wrap these by str(); the base class must not change what they print.
    assert str(StorageUnavailable("The disk is full.")) == "The disk is full."
    assert str(ConfigFileError(Path("mcp.json"), "is not valid JSON")) == "mcp.json: is not valid JSON"
    assert str(AddressRefused("refused")) == "refused"
