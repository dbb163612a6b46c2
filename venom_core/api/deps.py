"""Typed dependencies: routes ask for what they need, never for the whole app.

Dependencies are `async def` on purpose: FastAPI runs a plain `def` dependency in a worker
thread, and those thread round trips were the largest cost of a fast request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from venom_core.api.errors import ApiError
from venom_core.api.security import is_admin_request
from venom_core.config import Settings
from venom_core.core.task_service import TaskService
from venom_core.services import Services


def services_of(conn: HTTPConnection) -> Services:
    services: Services = conn.app.state.services
    return services


async def get_services(conn: HTTPConnection) -> Services:
    return services_of(conn)


async def get_settings(conn: HTTPConnection) -> Settings:
    return services_of(conn).settings


async def get_task_service(conn: HTTPConnection) -> TaskService:
    return services_of(conn).tasks


async def require_admin(request: Request) -> None:
    """Admin actions: loopback clients, or any client with the API token (SPEC §9)."""
    if not is_admin_request(request, services_of(request).settings):
        operation = f"{request.method} {request.url.path}"
        raise ApiError(
            403,
            "permission_denied",
            "This admin action is only allowed from the local machine or with the API token.",
            details={"operation": operation},
            extra={
                "detail": {
                    "decision": "block",
                    "reason_code": "PERMISSION_DENIED",
                    "user_message": "Admin actions are limited to localhost or token holders.",
                    "technical_context": {"operation": operation},
                    "tags": ["security", "admin", "localhost-only"],
                }
            },
        )


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TasksDep = Annotated[TaskService, Depends(get_task_service)]
AdminDep = Annotated[None, Depends(require_admin)]
