"""The knowledge graph ("the Brain"): memory, lessons and the workspace's code in one graph.

The code graph needs only Python's `ast`, so it works without the memory profile; the memory
part needs the profile and is skipped (and reported in `stats.memory`) when it is missing. The
assembled memory graph is cached until the memory or lesson table changes, so polling the
Brain screen does not re-read ten thousand entries each time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from venom_core.memory.code_graph import load_scan, save_scan, scan_workspace
from venom_core.memory.enrichment import EnrichmentStats
from venom_core.memory.entities import extract_entities, normalize_entity
from venom_core.memory.entity_store import EntityStore
from venom_core.memory.graph import (
    Graph,
    View,
    add_similarity,
    code_graph,
    link_entities_to_code,
    memory_graph,
    select,
    to_cytoscape,
)
from venom_core.memory.service import MemoryService

Source = Literal["all", "code", "memory"]


class Brain:
    def __init__(self, memory: MemoryService, workspace: Path, data_root: Path, similarity_threshold: float = 0.6,
                 llm_entities: bool = False):
        self.memory = memory
        self.workspace = workspace
        self.scan_path = data_root / "code_graph.json"
        self.similarity_threshold = similarity_threshold
        self._scan: dict[str, Any] | None = None
        self._scan_loaded = False
        self._scan_lock = asyncio.Lock()
        self._entity_store = EntityStore(data_root / "graph_entities.jsonl")
        self._entity_version = 0  # bumped when the LLM enrichment adds entities to an entry
        # The LLM entity enricher's progress (enrichment.py): it writes here, the summary shows it.
        self.enrichment = EnrichmentStats(enabled=llm_entities)
        self._cache: tuple[tuple[Any, ...], Graph] | None = None
        self._merged: tuple[tuple[Any, ...], Graph] | None = None
        # Finished views by (data version, parameters): the Brain screen polls the same views.
        self._views: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._views_version: tuple[Any, ...] = ()

    # -- code graph ----------------------------------------------------------------------------
    async def code_scan(self) -> dict[str, Any] | None:
        if not self._scan_loaded:
            self._scan = await asyncio.to_thread(load_scan, self.scan_path)
            self._scan_loaded = True
        return self._scan

    async def scan(self) -> dict[str, Any]:
        """Rescan the workspace (one scan at a time) and persist the result."""
        async with self._scan_lock:
            result = await asyncio.to_thread(scan_workspace, self.workspace)
            await asyncio.to_thread(save_scan, result, self.scan_path)
            self._scan, self._scan_loaded = result, True
        return self._scan_summary(result)

    async def scan_if_missing(self) -> None:
        if await self.code_scan() is None and self.workspace.is_dir():
            await self.scan()

    async def warm(self) -> None:
        """After memory loads, build the graph once so the first Brain request is fast."""
        if await self.memory.wait_ready():
            await self.knowledge_view()

    @staticmethod
    def _scan_summary(scan: dict[str, Any] | None) -> dict[str, Any]:
        if not scan:
            return {"scanned": False, "files": 0, "nodes": 0, "edges": 0, "errors": []}
        kinds: dict[str, int] = {}
        for node in scan["nodes"]:
            kinds[node["type"]] = kinds.get(node["type"], 0) + 1
        return {"scanned": True, "root": scan["root"], "scanned_at": scan["scanned_at"],
                "duration_ms": scan["duration_ms"], "files": scan["files"], "nodes": len(scan["nodes"]),
                "edges": len(scan["edges"]), "node_types": kinds, "errors": scan["errors"][:20]}

    async def summary(self) -> dict[str, Any]:
        code = self._scan_summary(await self.code_scan())
        memory: dict[str, Any] = await asyncio.to_thread(self.memory.describe)
        memory["llm_entities"] = self.enrichment.describe()
        return {"status": "success", "workspace": str(self.workspace), "code": code, "memory": memory,
                "nodes": code["nodes"], "edges": code["edges"]}

    # -- memory graph --------------------------------------------------------------------------
    def _memory_graph(self, session_id: str | None, only_pinned: bool, include_lessons: bool) -> Graph:
        """Built under one lock: a request that arrives during the warm-up waits for that build
        and reuses it, instead of building the same graph a second time."""
        store, lessons = self.memory.store(), self.memory.lessons()
        with self._entity_store.lock:
            key = (store.t.version, lessons.t.version, self._entity_version, session_id, only_pinned,
                   include_lessons)
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1]
            entries = [e for e in store.graph_rows() if (session_id is None or e["session_id"] == session_id)
                       and (not only_pinned or e["pinned"])]
            lesson_rows = [r for r in lessons.graph_rows() if session_id is None or r["session_id"] == session_id] \
                if include_lessons else []
            graph = memory_graph(entries, lesson_rows, self._entity_store.load())
            if session_id is None and not only_pinned and include_lessons:  # a full build sees every live id
                self._entity_store.save({str(e["id"]) for e in entries} | {f"lesson:{r['id']}" for r in lesson_rows})
            self._cache = (key, graph)
        return graph

    # -- LLM entity enrichment (enrichment.py) --------------------------------------------------
    def needs_llm_entities(self, entry_ids: Sequence[str]) -> list[str]:
        """The ids the enrichment has not handled yet (blocking: reads the entity file once)."""
        with self._entity_store.lock:
            self._entity_store.load()
            return [i for i in entry_ids if i not in self._entity_store.llm_done]

    def add_llm_entities(self, entry_id: str, text: str, names: Sequence[str]) -> list[tuple[str, str]]:
        """Merge the model's entities into an entry's heuristic ones, persist, invalidate views."""
        with self._entity_store.lock:
            cache = self._entity_store.load()
            merged = list(cache.get(entry_id) or [(n, f"ent:{normalize_entity(n)}") for n in extract_entities(text)])
            known = {eid for _, eid in merged}
            for name in names:
                eid = f"ent:{normalize_entity(name)}"
                if eid not in known:
                    known.add(eid)
                    merged.append((name, eid))
            self._entity_store.record(entry_id, merged)
            self._entity_version += 1
        return merged

    async def entry_corrected(self, entry_id: str, text: str) -> None:
        """An entry's text was corrected: its entities are extracted again from the new text."""
        names = [(n, f"ent:{normalize_entity(n)}") for n in extract_entities(text)]

        def work() -> None:
            with self._entity_store.lock:
                self._entity_store.load()
                self._entity_store.replace(entry_id, names)
                self._entity_version += 1

        await asyncio.to_thread(work)

    def _vectors(self, ids: Sequence[str]) -> dict[str, Sequence[float]]:
        found: dict[str, Sequence[float]] = dict(self.memory.store().vectors(ids))
        rest = [i for i in ids if i not in found]
        found.update(self.memory.lessons().vectors(rest))
        return found

    def _data_version(self) -> tuple[Any, ...]:
        scanned = self._scan["scanned_at"] if self._scan else None
        if not self.memory.available:
            return (self.memory.status.value, scanned)
        return (self.memory.store().t.version, self.memory.lessons().t.version, self._entity_version, scanned)

    def _cached_view(self, params: tuple[Any, ...], build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        version = self._data_version()
        if self._views_version != version or len(self._views) > 64:
            self._views, self._views_version = {}, version
        hit = self._views.get(params)
        if hit is None:
            hit = self._views[params] = build()
        return hit

    def _view(self, graph: Graph, *, view: View, limit_nodes: int, seed_id: str | None, max_hops: int,
              include_isolates: bool, similarity: bool, extra: dict[str, Any]) -> dict[str, Any]:
        ids = select(graph, view, limit_nodes=limit_nodes, seed_id=seed_id, max_hops=max_hops,
                     include_isolates=include_isolates)
        if similarity:
            shown = Graph(nodes=graph.nodes, edges=dict(graph.edges))
            add_similarity(shown, ids, self._vectors, self.similarity_threshold)
            graph = shown
        return to_cytoscape(graph, ids, view=view, extra_stats=extra)

    async def memory_view(self, *, view: View = "overview", limit_nodes: int = 200, seed_id: str | None = None,
                          max_hops: int = 2, include_isolates: bool = False, session_id: str | None = None,
                          only_pinned: bool = False, include_lessons: bool = True) -> dict[str, Any]:
        self.memory.store()  # raises MemoryUnavailable before any work

        def build() -> dict[str, Any]:
            graph = self._memory_graph(session_id, only_pinned, include_lessons)
            return self._view(graph, view=view, limit_nodes=limit_nodes, seed_id=seed_id, max_hops=max_hops,
                              include_isolates=include_isolates, similarity=True,
                              extra={"source": "memory", "memory": self.memory.status.value})

        params = ("memory", view, limit_nodes, seed_id, max_hops, include_isolates, session_id, only_pinned,
                  include_lessons)
        return await asyncio.to_thread(self._cached_view, params, build)

    async def knowledge_view(self, *, view: View = "overview", limit_nodes: int = 500, seed_id: str | None = None,
                             max_hops: int = 2, include_isolates: bool = False, source: Source = "all"
                             ) -> dict[str, Any]:
        scan = await self.code_scan() if source != "memory" else None
        with_memory = source != "code" and self.memory.available

        def build() -> dict[str, Any]:
            graph = self._full_graph(scan) if with_memory else code_graph(scan)
            extra = {"source": source, "memory": self.memory.status.value,
                     "code_scanned": scan is not None, "mock": False}
            return self._view(graph, view=view, limit_nodes=limit_nodes, seed_id=seed_id, max_hops=max_hops,
                              include_isolates=include_isolates, similarity=with_memory, extra=extra)

        params = ("knowledge", view, limit_nodes, seed_id, max_hops, include_isolates, source)
        return await asyncio.to_thread(self._cached_view, params, build)

    def _full_graph(self, scan: dict[str, Any] | None) -> Graph:
        """Code graph + memory graph + entity-to-code links, cached per data version."""
        key = self._data_version()
        if self._merged is not None and self._merged[0] == key:
            return self._merged[1]
        merged = code_graph(scan)
        merged.merge(self._memory_graph(None, False, True))
        link_entities_to_code(merged)
        self._merged = (key, merged)
        return merged
