"""The ASGI app: `venom_core.main:app`, built by `create_app`."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from loguru import logger
from starlette.routing import Route

from venom_core import __version__
from venom_core.api.browser_guard import BrowserGuard
from venom_core.api.errors import ERROR_SCHEMA, declare_error_schema, install_error_handlers
from venom_core.api.event_docs import document_events
from venom_core.api.middleware import AuthMiddleware, BodyLimitMiddleware
from venom_core.api.rate_limit import TrafficLimits
from venom_core.api.routes import ROUTERS
from venom_core.config import SECRET_MARKERS, Settings
from venom_core.documents.upload import MAX_FILES
from venom_core.logging_setup import add_event_sink, configure_logging, remove_sinks
from venom_core.mcp_server.endpoint import PATH as MCP_PATH
from venom_core.mcp_server.endpoint import McpEndpoint
from venom_core.mcp_server.inprocess import InProcessBackend
from venom_core.services import build_services, start_services, stop_services

# What the edge layers can answer on any route (a route's own, more precise entry wins).
COMMON_ERRORS = {"400": "Bad request, or a Host that is not this server (host_not_allowed)",
                 "401": "Missing or invalid API token",
                 "403": "A browser page from a foreign origin (origin_not_allowed, cross_site_request)",
                 "413": "Request body too large",
                 "429": "Rate limit exceeded, or too many open streams", "500": "Unexpected server error",
                 "503": "Storage unavailable (storage_unavailable, with Retry-After), or not serving: "
                        "bound off loopback without VENOM_API_TOKEN (unsafe_bind)"}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    mcp = McpEndpoint()  # Venom's own MCP tools; the SDK loads on the first /mcp request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sink_ids = configure_logging(settings.VENOM_LOG_DIR, secrets=_secret_values(settings))
        services = build_services(settings)
        app.state.services = services
        await start_services(services)
        mcp.open(InProcessBackend(services.tasks, services.memory, services.bus))
        sink_ids.append(add_event_sink(services.log, asyncio.get_running_loop()))
        logger.info("Venom {} ready (boot {}) on {}:{}", __version__, services.boot_id,
                    settings.VENOM_HOST, settings.VENOM_PORT)
        # What start-up built lives as long as the app: kept out of the collector's reach, a full
        # collection no longer walks it (one took ~150 ms here, inside some request).
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # a stopped app's cycles can be collected again (tests start many apps)
            await mcp.close()  # before the services its open calls use
            await stop_services(services)
            remove_sinks(sink_ids[2:])
            await logger.complete()

    app = FastAPI(title="Venom Core", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Local-first AI agent stack: tasks, live SSE/WebSocket streams, agents and memory.",
                  # No OpenTelemetry providers are configured here: off, so no request asks whether they are.
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    install_error_handlers(app)
    # FastAPI keeps an included router as one node that a request matches twice (once to choose
    # it, once inside it), router after router. Ours carry no include-time options (each route has
    # its full path and tags), so their routes join the app's own list: one match per request.
    for router in ROUTERS:
        app.router.routes.extend(router.routes)
    # A plain ASGI route, outside the OpenAPI document (the MCP protocol describes itself).
    app.router.routes.append(Route(MCP_PATH, endpoint=mcp, include_in_schema=False))
    # Added innermost first. From the outside: the browser guard (client address, bind, Host,
    # Origin), CORS (sees every later answer), traffic limits (before auth, so wrong tokens are
    # counted too), auth, then the body limit.
    uploads = {("POST", "/api/v1/documents"): settings.VENOM_DOCUMENT_MAX_BYTES * MAX_FILES}
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.VENOM_MAX_BODY_BYTES, per_route=uploads)
    app.add_middleware(AuthMiddleware, settings=settings)
    app.add_middleware(TrafficLimits, settings=settings, openapi=lambda: app.openapi())
    app.add_middleware(
        CORSMiddleware, allow_origins=settings.ui_origins, allow_credentials=True, allow_methods=["*"],
        allow_headers=["*"], expose_headers=["x-request-id", "x-session-id", "link"],
    )
    app.add_middleware(BrowserGuard, settings=settings)
    _document_errors(app)
    return app


def _secret_values(settings: Settings) -> list[str]:
    """The values the log must never show: the token and every key, password and secret."""
    return [str(getattr(settings, name)) for name in type(settings).model_fields
            if any(m in name for m in SECRET_MARKERS) and getattr(settings, name)]


def _document_errors(app: FastAPI) -> None:
    """Every route answers errors in one JSON shape: say so in the OpenAPI schema."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = FastAPI.openapi(app)
        document_events(schema)  # the WebSocket envelope and the SSE frames, which FastAPI cannot see
        declare_error_schema(schema)
        for path_item in schema.get("paths", {}).values():
            for op in path_item.values():
                responses = op.setdefault("responses", {})
                for status, text in COMMON_ERRORS.items():
                    responses.setdefault(status, {
                        "description": text, "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    })
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def __getattr__(name: str) -> Any:
    """`venom_core.main:app` is built on first access, so importing this module has no side effects."""
    if name == "app":
        built = create_app()
        globals()["app"] = built
        return built
    raise AttributeError(name)
