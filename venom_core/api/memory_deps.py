"""Dependencies of the memory, lesson and knowledge routes: the service, or a clear 503."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from venom_core.api.deps import services_of
from venom_core.memory.brain import Brain
from venom_core.memory.service import MemoryService


async def get_memory(conn: HTTPConnection) -> MemoryService:
    """The loaded memory service; 503 `memory_loading` / `memory_unavailable` / `memory_disabled` otherwise."""
    memory = services_of(conn).memory
    memory.store()  # raises MemoryUnavailable (a 503 VenomError, Retry-After while loading)
    return memory


async def get_brain(conn: HTTPConnection) -> Brain:
    return services_of(conn).brain


MemoryDep = Annotated[MemoryService, Depends(get_memory)]
BrainDep = Annotated[Brain, Depends(get_brain)]
MEMORY_ERRORS = (503,)
