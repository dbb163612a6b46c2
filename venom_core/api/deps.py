"""Typed dependencies: routes ask for what they need, never for the whole app.

Dependencies are `async def` on purpose: FastAPI runs a plain `def` dependency in a worker
thread, and those thread round trips were the largest cost of a fast request.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from starlette.requests import HTTPConnection

from venom_core.agents.base import Llm
from venom_core.api.client_address import client_of
from venom_core.api.errors import ApiError
from venom_core.api.security import is_admin_request, token_ok
from venom_core.config import Settings
from venom_core.core import audit
from venom_core.core.audit import Actor, ActorKind, Outcome, summarize
from venom_core.core.task_service import TaskService
from venom_core.orchestrator.autonomy import AutonomyGate
from venom_core.services import Services
from venom_core.sessions.store import SessionStore
from venom_core.strategy.store import RoadmapStore


def services_of(conn: HTTPConnection) -> Services:
    services: Services = conn.app.state.services
    return services


async def get_services(conn: HTTPConnection) -> Services:
    return services_of(conn)


async def get_settings(conn: HTTPConnection) -> Settings:
    return services_of(conn).settings


async def get_task_service(conn: HTTPConnection) -> TaskService:
    return services_of(conn).tasks


async def get_autonomy(conn: HTTPConnection) -> AutonomyGate:
    return services_of(conn).autonomy


async def get_sessions(conn: HTTPConnection) -> SessionStore:
    return services_of(conn).sessions


async def get_roadmap(conn: HTTPConnection) -> RoadmapStore:
    return services_of(conn).roadmap


async def get_llm(conn: HTTPConnection) -> Llm:
    return services_of(conn).llm


def actor_of(conn: HTTPConnection, settings: Settings) -> Actor:
    """Who is asking, for the audit trail: token holder, local owner, or a remote client."""
    client = client_of(conn.scope, settings.trusted_proxies)
    kind: ActorKind = "token" if token_ok(conn, settings) else "loopback" if client.owner else "remote"
    return Actor(kind, client.address, conn.headers.get("user-agent", "")[:200])


async def _audit_details(request: Request) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if request.path_params:
        details["path"] = summarize(dict(request.path_params))
    if request.query_params:
        details["query"] = summarize(dict(request.query_params))
    body = await request.body()  # already read (and cached) by FastAPI for the route's own body model
    if body:
        try:
            details["body"] = summarize(json.loads(body))
        except ValueError:
            details["body"] = f"{len(body)} bytes"
    # What the route itself adds (the task an allow-once created, say), set on `request.state`.
    extra = getattr(request.state, "audit_details", None)
    if isinstance(extra, dict):
        details["result"] = summarize(extra)
    return details


async def require_admin(request: Request) -> AsyncIterator[None]:
    """Admin actions: loopback clients, or any client with the API token (SPEC §9).

    Also the one place that records the audit trail (core.audit): every admin action that changes
    something (any method but GET/HEAD) is recorded with its outcome, and every refusal, reads included.
    It runs as a function-scoped dependency, so the entry is durable before the answer is sent.
    """
    services = services_of(request)
    settings = services.settings
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    operation = f"{request.method} {template}"
    tags = getattr(route, "tags", None) or ["api"]
    action = f"{tags[0]}.{getattr(route, 'name', 'unknown')}"
    audited = request.method not in ("GET", "HEAD", "OPTIONS")
    actor = actor_of(request, settings)

    async def note(outcome: Outcome, status: int, error_code: str | None = None) -> None:
        audit.record(services.log, action, operation=operation, actor=actor, outcome=outcome, status_code=status,
                     details=await _audit_details(request), error_code=error_code)
        await audit.settle(services.log)

    if not is_admin_request(request, settings):
        await note("denied", 403, "permission_denied")  # refused reads too: someone tried
        denied = f"{request.method} {request.url.path}"
        raise ApiError(
            403,
            "permission_denied",
            "This admin action is only allowed from the local machine or with the API token.",
            details={"operation": denied},
            extra={
                "detail": {
                    "decision": "block",
                    "reason_code": "PERMISSION_DENIED",
                    "user_message": "Admin actions are limited to localhost or token holders.",
                    "technical_context": {"operation": denied},
                    "tags": ["security", "admin", "localhost-only"],
                }
            },
        )
    if not audited:
        yield
        return
    try:
        yield
    except ApiError as exc:
        await note("failed", exc.status, exc.code)
        raise
    except RequestValidationError:
        await note("failed", 422, "validation_error")
        raise
    except Exception:
        await note("failed", 500, "internal_error")
        raise
    await note("success", getattr(route, "status_code", None) or 200)


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TasksDep = Annotated[TaskService, Depends(get_task_service)]
AutonomyDep = Annotated[AutonomyGate, Depends(get_autonomy)]
SessionsDep = Annotated[SessionStore, Depends(get_sessions)]
RoadmapDep = Annotated[RoadmapStore, Depends(get_roadmap)]
LlmDep = Annotated[Llm, Depends(get_llm)]
AdminDep = Annotated[None, Depends(require_admin, scope="function")]
