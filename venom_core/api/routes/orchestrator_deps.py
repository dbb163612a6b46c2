"""Dependencies of the routes over the orchestrator's stores (sessions, strategy, autonomy).

Each route asks for the one object it uses, from `Services`, not for the orchestrator.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from venom_core.agents.base import Llm
from venom_core.api.deps import services_of
from venom_core.orchestrator.autonomy import AutonomyGate
from venom_core.sessions.store import SessionStore
from venom_core.strategy.store import RoadmapStore


async def get_autonomy(conn: HTTPConnection) -> AutonomyGate:
    return services_of(conn).autonomy


async def get_sessions(conn: HTTPConnection) -> SessionStore:
    return services_of(conn).sessions


async def get_roadmap(conn: HTTPConnection) -> RoadmapStore:
    return services_of(conn).roadmap


async def get_llm(conn: HTTPConnection) -> Llm:
    return services_of(conn).llm


AutonomyDep = Annotated[AutonomyGate, Depends(get_autonomy)]
SessionsDep = Annotated[SessionStore, Depends(get_sessions)]
RoadmapDep = Annotated[RoadmapStore, Depends(get_roadmap)]
LlmDep = Annotated[Llm, Depends(get_llm)]
