"""What an agent knows besides the message: session history, memory, lessons and document passages.

`ContextBuilder` is the orchestrator's one collaborator for the conversation's state: it builds
the `AgentRun` before the agent runs, records the exchange in the session after it, and clears a
session on `/clear`.

Retrieval in chat is by relevance, not by trigger words: every GENERAL_CHAT message is searched
against the user's documents (the documents' own hybrid search: vector plus full text, fused by
reciprocal rank) and against memory, and only what passes a similarity floor, within a passage
count and a character budget, reaches the prompt. A plain chat message must not wait for it, so:
- with no ready document and no memory entry there is nothing to search and nothing is embedded
  (the fast path: two in-memory checks);
- the query is embedded once: documents and memory share the memory service's query cache;
- the whole retrieval has a time budget; past it the answer goes ahead without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Sequence
from typing import Any, Protocol

from venom_core.agents.base import AgentRun
from venom_core.agents.catalog import AGENTS
from venom_core.config import Settings
from venom_core.core.orchestration import TaskContext
from venom_core.core.text import normalize
from venom_core.memory.service import MemoryService, MemoryUnavailable
from venom_core.orchestrator.route import Route
from venom_core.sessions.store import SessionStore

# With these words the user refers to the past (reference §5.1): memory is recalled with the
# lower floor of `recall()` itself, as before; otherwise only entries above the chat floor come in.
RECALL = re.compile(r"\b(remember|recall|earlier|previous(ly)?|before|last time|pamietasz|wczesniej|poprzedni\w*|"
                    r"erinnerst|fruher|vorhin|zuvor)\b")
LESSON_INTENTS = frozenset(spec.intent for spec in AGENTS if spec.lessons)
SNIPPET_CHARS = 240
CITE_MARK = re.compile(r"\[(\d{1,3})\]")


class DocumentSearch(Protocol):
    """The part of `DocumentService` chat retrieval uses."""

    async def has_ready(self) -> bool: ...

    async def search(self, query: str, document_ids: Sequence[str] | None = None, limit: int = 5,
                     threshold: float | None = None, *, strict: bool = False) -> list[dict[str, Any]]: ...


class ContextBuilder:
    def __init__(self, sessions: SessionStore, memory: MemoryService, documents: DocumentSearch, settings: Settings):
        self.sessions = sessions
        self.memory = memory
        self.documents = documents
        self.retrieval = settings.VENOM_CHAT_RETRIEVAL
        self.min_similarity = settings.VENOM_RETRIEVAL_MIN_SIMILARITY
        self.max_passages = settings.VENOM_RETRIEVAL_MAX_PASSAGES
        self.max_chars = settings.VENOM_RETRIEVAL_MAX_CHARS
        self.memory_min_score = settings.VENOM_CHAT_MEMORY_MIN_SCORE
        self.timeout = settings.VENOM_RETRIEVAL_TIMEOUT_SECONDS

    async def start(self) -> None:
        await self.sessions.load_known()  # a new chat session then starts without a database read

    def ready_memory(self) -> MemoryService | None:
        return self.memory if self.memory.available else None

    # -- before the agent ------------------------------------------------------------------------
    async def build(self, ctx: TaskContext, route: Route) -> AgentRun:
        run = AgentRun(ctx, route)
        session_id = ctx.request.get("session_id")
        used: dict[str, Any] = {"memory_entries": [], "lessons": [], "history_turns": 0, "summary": False,
                                "passages": []}
        # A forced tool gets a clean query (reference §3.3): no session block.
        if session_id and not route.forced_tool:
            session = await self.sessions.get(str(session_id))
            run.history = self.sessions.recent(session)
            run.summary = session.summary
            used["history_turns"] = len(run.history)
            used["summary"] = bool(session.summary)
        if route.intent == "GENERAL_CHAT" and self.retrieval and not route.forced_tool:
            await self._retrieve(ctx, run, session_id)
            used["memory_entries"] = [m.get("id") for m in run.memory]
            used["passages"] = [p["chunk_id"] for p in run.passages]
        memory = self.ready_memory()
        if memory is not None and route.intent in LESSON_INTENTS:
            try:
                run.lessons = await memory.relevant_lessons(route.content, limit=3)
                used["lessons"] = [m.get("id") for m in run.lessons]
            except Exception as exc:  # memory is an enrichment: never fail the task for it
                ctx.trace("Memory", "lessons", status="error", error=type(exc).__name__)
        ctx.set_context(context_used=used)
        return run

    async def _retrieve(self, ctx: TaskContext, run: AgentRun, session_id: Any) -> None:
        ids = ctx.request.get("document_ids") or None
        try:
            async with asyncio.timeout(self.timeout):
                found = await self.retrieve(run.route.content, ids, session_id, history=len(run.history))
        except TimeoutError:
            ctx.trace("Retrieval", "budget", status="warning", timeout_s=self.timeout)
            return
        except MemoryUnavailable as exc:  # loading: the answer goes ahead without
            ctx.trace("Retrieval", "search", status="skipped", reason=exc.code)
            return
        except Exception as exc:  # retrieval is an enrichment: never fail the task for it
            ctx.trace("Retrieval", "search", status="error", error=type(exc).__name__)
            return
        if found is not None:
            run.passages, run.memory = found
            ctx.trace("Retrieval", "search", passages=len(run.passages), memory_entries=len(run.memory),
                      restricted=bool(ids))

    async def retrieve(self, question: str, document_ids: Sequence[str] | None = None, session_id: Any = None,
                       *, history: int = 0) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
        """Passages and memories for a chat message; None when there was nothing to search (the
        fast path: no ready document, no memory entry, nothing embedded)."""
        question = question.strip()
        memory = self.ready_memory()
        search_docs = bool(question) and await self._documents_to_search(document_ids)
        search_memory = bool(question) and memory is not None and memory.entry_count() > 0
        if not (search_docs or search_memory):
            return None
        passages = await self.passages(question, document_ids) if search_docs else []
        memories = await self._recall(memory, question, session_id, history) \
            if search_memory and memory is not None else []
        return passages, memories

    async def _documents_to_search(self, ids: Sequence[str] | None) -> bool:
        # Named documents are searched as asked (an unknown id simply matches nothing).
        return bool(ids) or await self.documents.has_ready()

    async def passages(self, question: str, document_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The passages a chat message gets: the documents' fused ranking, kept only above the
        cosine floor (a chunk found by its words alone is not enough: plain chat shares words
        with everything), numbered from 1, within the passage count and character budget."""
        hits = await self.documents.search(question, document_ids, limit=self.max_passages * 2,
                                           threshold=self.min_similarity, strict=True)
        out: list[dict[str, Any]] = []
        budget = self.max_chars
        for hit in hits:
            similarity = hit.get("similarity")
            if similarity is None or similarity < self.min_similarity:
                continue
            text = str(hit["text"])[:budget]
            if len(text) < min(200, len(hit["text"])):
                break  # what is left of the budget would cut the passage to nothing useful
            budget -= len(text)
            out.append({"n": len(out) + 1, "chunk_id": hit["chunk_id"], "document_id": hit["document_id"],
                        "name": hit["name"], "page": hit["page"], "heading_path": list(hit["heading_path"] or []),
                        "text": text, "score": float(similarity)})
            if len(out) >= self.max_passages or budget <= 0:
                break
        return out

    async def _recall(self, memory: MemoryService, question: str, session_id: Any,
                      history: int) -> list[dict[str, Any]]:
        """Memory by relevance: above the chat floor always; with the lower recall floor when the
        user refers to the past or the session is long."""
        entries = await memory.recall(question, session_id=session_id, limit=3, max_chars=1200)
        if RECALL.search(normalize(question)) or history >= 20:
            return entries
        return [e for e in entries if float(e.get("score") or 0.0) >= self.memory_min_score]

    # -- after the agent ---------------------------------------------------------------------------
    async def record_turn(self, ctx: TaskContext, question: str, answer: str) -> None:
        """Session history before the task completes, so the next message of the session sees it."""
        session_id = ctx.request.get("session_id")
        if session_id:
            await self.sessions.append(str(session_id), [("user", question), ("assistant", answer)], ctx.task_id)

    async def clear_session(self, session_id: str) -> int:
        """`/clear`: the session's history, summary and session memory."""
        removed = await self.sessions.clear(session_id)
        memory = self.ready_memory()
        if memory is not None:
            with contextlib.suppress(Exception):  # the history is gone; a memory fault must not undo the reset
                await memory.forget_session(session_id)
        return removed


def citations(passages: Sequence[dict[str, Any]], answer: str) -> list[dict[str, Any]]:
    """The citations of an answer given `passages` (numbered from 1).

    The passages the answer marks with `[n]`, with `cited` true; when it marks none (small
    models often do not), every passage it was given, with `cited` false: they are still what
    the answer was grounded on, and the user should see them. A marker with no passage is ignored.
    """
    by_n = {int(p["n"]): p for p in passages}
    marked = sorted({int(m) for m in CITE_MARK.findall(answer)} & set(by_n))
    chosen = [by_n[n] for n in marked] if marked else list(passages)
    return [{"n": int(p["n"]), "document_id": str(p["document_id"]), "name": str(p["name"]), "page": p["page"],
             "chunk_id": str(p["chunk_id"]), "score": round(float(p["score"]), 4),
             "snippet": " ".join(str(p["text"]).split())[:SNIPPET_CHARS], "cited": bool(marked)}
            for p in chosen]
