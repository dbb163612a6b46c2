"""`/api/v1/knowledge/graph` and `/api/v1/graph/*`: the whole Brain, including the code graph.

The code graph comes from an `ast` scan of VENOM_WORKSPACE and works without the memory
profile; an empty workspace gives an empty graph (never mock data).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from venom_core.api.errors import error_responses
from venom_core.api.memory_deps import BrainDep
from venom_core.api.routes.memory import View, seed_error
from venom_core.api.schemas_memory import (
    GraphSummary,
    GraphView,
    ScanResponse,
)
from venom_core.memory.graph import SeedNotFound

router = APIRouter(prefix="/api/v1", tags=["knowledge"])


@router.get("/knowledge/graph", responses=error_responses(404, 422, 503))
async def knowledge_graph(
    brain: BrainDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    view: View = "overview",
    seed_id: Annotated[str | None, Query(max_length=300)] = None,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 2,
    include_isolates: bool = True,
    limit_nodes: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    source: Literal["all", "code", "memory"] = "all",
) -> GraphView:
    """Code graph plus memory graph (when memory is ready) as Cytoscape `{elements, stats}`."""
    try:
        return GraphView.model_validate(await brain.knowledge_view(
            view=view, limit_nodes=limit_nodes or limit, seed_id=seed_id, max_hops=max_hops,
            include_isolates=include_isolates, source=source))
    except SeedNotFound:
        raise seed_error(seed_id) from None


@router.post("/graph/scan", responses=error_responses(503))
async def scan(brain: BrainDep) -> ScanResponse:
    """Rescan VENOM_WORKSPACE's Python files into the code graph."""
    return ScanResponse.model_validate(await brain.scan())


@router.get("/graph/summary", responses=error_responses(503))
async def summary(brain: BrainDep) -> GraphSummary:
    return GraphSummary.model_validate(await brain.summary())
