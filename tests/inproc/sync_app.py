"""A synchronous `httpx.Client` over the in-process app, for the sync contract tests.

The app and its lifespan live on an event loop in one background thread; each request is
handed to `httpx.ASGITransport` on that loop and its whole body is read there, so a test written
against a subprocess server (`client.post(...)`) runs unchanged in-process.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

T = TypeVar("T")


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="inproc-app", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


class _BridgeTransport(httpx.BaseTransport):
    def __init__(self, loop: _LoopThread, app: FastAPI) -> None:
        self._loop = loop
        self._asgi = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def call() -> tuple[int, httpx.Headers, bytes]:
            forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._asgi.handle_async_request(forwarded)
            content = await response.aread()
            return response.status_code, response.headers, content

        status, headers, content = self._loop.run(call())
        return httpx.Response(status, headers=headers, content=content, request=request)


class SyncApp:
    """`with SyncApp(create_app(settings)) as client:` runs the lifespan around the block."""

    def __init__(self, app: FastAPI, base_url: str = "http://127.0.0.1:8000") -> None:
        self.app = app
        self._base_url = base_url
        self._loop = _LoopThread()
        self._lifespan: Any = None
        self.client: httpx.Client | None = None

    def __enter__(self) -> httpx.Client:
        self._lifespan = self.app.router.lifespan_context(self.app)
        self._loop.run(self._lifespan.__aenter__())
        self.client = httpx.Client(transport=_BridgeTransport(self._loop, self.app), base_url=self._base_url,
                                   timeout=30)
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        try:
            self._loop.run(self._lifespan.__aexit__(None, None, None))
        finally:
            self._loop.close()
