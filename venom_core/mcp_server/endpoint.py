"""`/mcp`: the MCP tools over streamable HTTP, inside the API process.

The SDK is imported and its session manager started on the first /mcp request, not at start-up:
importing it costs more than the rest of a cold start to /healthz (docs/PERFORMANCE.md). The
manager then runs in one background task until the app's lifespan ends and calls `close`.

The edge layers in front of it are the API's own (main.py): the token (AuthMiddleware protects
/mcp like /api), Host and Origin (BrowserGuard), traffic limits and the body limit. The SDK's own
DNS-rebinding check is therefore off: it would only repeat BrowserGuard with a narrower list.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from loguru import logger
from starlette.types import Receive, Scope, Send

from venom_core.api.edge_responses import send_json
from venom_core.api.errors import error_body
from venom_core.mcp_server.models import VenomBackend

PATH = "/mcp"
STOP_SECONDS = 5.0


class McpEndpoint:
    """An ASGI app. `open(backend)` in the lifespan (services exist only then), `close()` at its end."""

    def __init__(self) -> None:
        self._backend: VenomBackend | None = None
        self._manager: Any = None  # StreamableHTTPSessionManager, once started
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        # Every manager's task; close() stops them all (a first request cancelled while its manager was
        # starting leaves that one running, and the next request starts another).
        self._runners: set[asyncio.Task[None]] = set()
        self._closed = False

    def open(self, backend: VenomBackend) -> None:
        self._backend = backend

    @property
    def started(self) -> bool:
        return self._manager is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        manager = await self._ensure_started()
        if manager is None:
            await send_json(send, 503, error_body("mcp_unavailable", "The MCP endpoint is not serving: Venom is "
                                                  "starting up or shutting down. Retry in a moment."))
            return
        await manager.handle_request(scope, receive, send)

    async def _ensure_started(self) -> Any:
        if self._manager is not None or self._closed or self._backend is None:
            return self._manager
        async with self._lock:
            if self._manager is None and not self._closed:
                from mcp.server.transport_security import TransportSecuritySettings

                from venom_core.mcp_server.tools import build_server

                server = build_server(self._backend)
                server.streamable_http_app(  # builds the session manager; its Starlette app is not used
                    streamable_http_path=PATH,
                    transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))
                manager = server.session_manager
                ready = asyncio.Event()
                runner = asyncio.create_task(self._run(manager, ready), name="mcp-http")
                self._runners.add(runner)
                runner.add_done_callback(self._runners.discard)
                waiter = asyncio.create_task(ready.wait())
                await asyncio.wait({waiter, runner}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                if ready.is_set():
                    self._manager = manager
                    logger.info("MCP endpoint {} started", PATH)
        return self._manager

    async def _run(self, manager: Any, ready: asyncio.Event) -> None:
        try:
            async with manager.run():
                ready.set()
                await self._stop.wait()
        except Exception:  # logged, not raised: the next /mcp request starts a new manager
            logger.exception("The MCP session manager stopped")
        finally:
            if self._manager is manager:
                self._manager = None

    async def close(self) -> None:
        """Stop the session manager (its open sessions end with it); a later request gets 503."""
        self._closed = True
        self._stop.set()
        self._manager = None
        for runner in list(self._runners):
            try:
                await asyncio.wait_for(runner, STOP_SECONDS)
            except (TimeoutError, Exception):
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await runner
