"""Dependency of the orchestrator-owned routes (sessions, flow, strategy, autonomy)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from venom_core.api.deps import services_of
from venom_core.orchestrator.orchestrator import VenomOrchestrator


async def get_orchestrator(conn: HTTPConnection) -> VenomOrchestrator:
    return services_of(conn).orchestrator


OrchestratorDep = Annotated[VenomOrchestrator, Depends(get_orchestrator)]
