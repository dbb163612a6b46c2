"""`/api/v1/memory/session/{id}`: a chat session's history and summary; DELETE forgets them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import error_responses
from venom_core.api.routes.orchestrator_deps import OrchestratorDep

router = APIRouter(prefix="/api/v1/memory/session", tags=["sessions"])

SessionId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get("/{session_id}", responses=error_responses(422, 503))
async def get_session(session_id: SessionId, orch: OrchestratorDep) -> dict[str, Any]:
    """History (oldest first) and summary. An unknown session is simply empty."""
    session = await orch.sessions.get(session_id)
    return {"status": "success", "session_id": session_id, "history": [t.as_dict() for t in session.turns],
            "summary": session.summary, "count": len(session.turns)}


@router.delete("/{session_id}", responses=error_responses(422, 503))
async def delete_session(session_id: SessionId, orch: OrchestratorDep, services: ServicesDep) -> dict[str, Any]:
    """Forget the session: history, summary, and its long-term memory entries when memory is loaded."""
    removed = await orch.sessions.clear(session_id)
    forgotten = 0
    memory = services.memory
    if memory is not None and memory.available:
        forgotten = await memory.forget_session(session_id)
    return {"status": "success", "session_id": session_id, "deleted_messages": removed,
            "deleted_memory_entries": forgotten}
