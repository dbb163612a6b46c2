"""Graph assembly and the Cytoscape views (`overview`, `focus`, `full`).

The builders are pure functions over plain dicts, so the same code serves the API, the
benchmark and any future exporter. Similar-to edges are computed only among the nodes a view
returns (a few hundred), never all-pairs over the whole store.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from venom_core.memory.entities import extract_entities, normalize_entity
from venom_core.memory.store import origin

View = Literal["overview", "focus", "full"]
VectorLookup = Callable[[Sequence[str]], dict[str, Sequence[float]]]
TYPE_RANK = {"session": 0, "module": 1, "lesson": 2, "entity": 3, "class": 4, "memory": 5, "document_chunk": 6,
             "function": 7, "external_module": 8}
# A chunk of an ingested document is a node of its own kind: it is the document's text, not
# something the user told or the agent learned, and the Brain screen draws it apart.
DOCUMENT_TYPE = "document"


class SeedNotFound(LookupError):
    pass


@dataclass
class Graph:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def add_node(self, node_id: str, label: str, type_: str, **data: Any) -> None:
        if node_id not in self.nodes:
            self.nodes[node_id] = {"id": node_id, "label": label, "type": type_, **data}

    def add_edge(self, source: str, target: str, type_: str, **data: Any) -> None:
        if source != target and source in self.nodes and target in self.nodes:
            self.edges.setdefault((source, target, type_), {"source": source, "target": target, "type": type_,
                                                             **data})

    def merge(self, other: Graph) -> None:
        for node_id, node in other.nodes.items():
            self.nodes.setdefault(node_id, node)
        for key, edge in other.edges.items():
            self.edges.setdefault(key, edge)


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


EntityCache = dict[str, list[tuple[str, str]]]


def memory_graph(entries: Iterable[dict[str, Any]], lessons: Iterable[dict[str, Any]],
                 entity_cache: EntityCache | None = None) -> Graph:
    """Memory entries, their sessions and entities, and lessons, with their edges."""
    cache = entity_cache if entity_cache is not None else {}
    g = Graph()
    lesson_by_task: dict[str, str] = {}
    for lesson in lessons:
        lid = f"lesson:{lesson['id']}"
        g.add_node(lid, _short(lesson.get("situation", "")), "lesson", success=bool(lesson.get("success")),
                   tags=list(lesson.get("tags") or []), task_id=lesson.get("task_id"),
                   feedback=lesson.get("feedback_rating") or None)
        if lesson.get("task_id"):
            lesson_by_task[str(lesson["task_id"])] = lid
        if lesson.get("session_id"):
            sid = f"session:{lesson['session_id']}"
            g.add_node(sid, str(lesson["session_id"]), "session")
            g.add_edge(lid, sid, "derived-from")
        _link_entities(g, lid, str(lesson.get("situation", "")), f"lesson:{lesson['id']}", cache)
    for entry in entries:
        mid = f"mem:{entry['id']}"
        kind = "document_chunk" if entry.get("type") == DOCUMENT_TYPE else "memory"
        session_id, task_id = entry.get("session_id") or None, entry.get("task_id") or None
        source = origin(entry.get("source") or None, entry.get("type"))
        g.add_node(mid, _short(str(entry.get("text", ""))), kind, memory_type=entry.get("type"),
                   pinned=bool(entry.get("pinned")), session_id=session_id, task_id=task_id,
                   topic=entry.get("topic") or None, origin=source, edited=bool(entry.get("edited")),
                   meta={"session_id": session_id, "task_id": task_id, "origin": source})
        if entry.get("session_id"):
            sid = f"session:{entry['session_id']}"
            g.add_node(sid, str(entry["session_id"]), "session")
            g.add_edge(mid, sid, "derived-from")
        if entry.get("task_id") and str(entry["task_id"]) in lesson_by_task:
            g.add_edge(mid, lesson_by_task[str(entry["task_id"])], "derived-from")
        _link_entities(g, mid, str(entry.get("text", "")), str(entry["id"]), cache)
    return g


def _link_entities(g: Graph, source: str, text: str, cache_key: str, cache: EntityCache) -> None:
    """Entities are cached per entry id: rebuilding the graph after an ingest re-reads no text."""
    names = cache.get(cache_key)
    if names is None:
        names = cache[cache_key] = [(name, f"ent:{normalize_entity(name)}") for name in extract_entities(text)]
    for name, eid in names:
        g.add_node(eid, name, "entity")
        g.add_edge(source, eid, "mentions")


def code_graph(scan: dict[str, Any] | None) -> Graph:
    g = Graph()
    if not scan:
        return g
    for node in scan.get("nodes", []):
        g.nodes[node["id"]] = dict(node)
    for edge in scan.get("edges", []):
        g.add_edge(edge["source"], edge["target"], edge["type"])
    return g


def link_entities_to_code(g: Graph) -> None:
    """An entity named like a class, function or module 'mentions' that code node."""
    symbols: dict[str, list[str]] = {}
    for node in g.nodes.values():
        if node["type"] in {"class", "function", "module"} and len(node["label"]) >= 4:
            symbols.setdefault(node["label"].lower(), []).append(node["id"])
            if node["type"] == "module":
                symbols.setdefault(node["label"].rsplit(".", 1)[-1].lower() + ".py", []).append(node["id"])
    for node in list(g.nodes.values()):
        if node["type"] == "entity":
            for target in symbols.get(node["label"].lower(), []):
                g.add_edge(node["id"], target, "mentions")


def _degrees(g: Graph) -> Counter[str]:
    deg: Counter[str] = Counter()
    for s, t, _ in g.edges:
        deg[s] += 1
        deg[t] += 1
    return deg


def select(g: Graph, view: View, *, limit_nodes: int, seed_id: str | None = None, max_hops: int = 2,
           include_isolates: bool = False) -> list[str]:
    """The node ids a view shows, at most `limit_nodes`."""
    if view == "focus":
        if not seed_id or seed_id not in g.nodes:
            raise SeedNotFound(seed_id or "")
        adjacency: dict[str, list[str]] = {}
        for s, t, _ in g.edges:
            adjacency.setdefault(s, []).append(t)
            adjacency.setdefault(t, []).append(s)
        chosen = {seed_id: 0}
        queue = deque([seed_id])
        while queue and len(chosen) < limit_nodes:
            current = queue.popleft()
            if chosen[current] >= max_hops:
                continue
            for nxt in adjacency.get(current, []):
                if nxt not in chosen:
                    chosen[nxt] = chosen[current] + 1
                    queue.append(nxt)
                    if len(chosen) >= limit_nodes:
                        break
        return list(chosen)
    deg = _degrees(g)
    candidates = [n for n in g.nodes if include_isolates or deg[n] > 0]
    if view == "overview":
        candidates.sort(key=lambda n: (-deg[n], TYPE_RANK.get(g.nodes[n]["type"], 9), n))
    return candidates[:limit_nodes]


def add_similarity(g: Graph, ids: Sequence[str], lookup: VectorLookup, threshold: float,
                   max_per_node: int = 3) -> None:
    """Similar-to edges among the chosen memory/lesson nodes whose cosine is above `threshold`."""
    import numpy as np

    raw = [i.split(":", 1)[1] for i in ids if i.startswith(("mem:", "lesson:"))]
    vectors = lookup(raw)
    keyed = [(i, vectors[i.split(":", 1)[1]]) for i in ids
             if i.startswith(("mem:", "lesson:")) and i.split(":", 1)[1] in vectors]
    if len(keyed) < 2:
        return
    matrix = np.asarray([v for _, v in keyed], dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    sims = matrix @ matrix.T
    np.fill_diagonal(sims, -1.0)
    for row, (node_id, _) in enumerate(keyed):
        best = np.argsort(-sims[row])[:max_per_node]
        for col in best:
            score = float(sims[row, col])
            if score < threshold:
                break
            other = keyed[int(col)][0]
            a, b = sorted((node_id, other))
            g.add_edge(a, b, "similar-to", weight=round(score, 3))


def to_cytoscape(g: Graph, ids: Sequence[str], *, view: View, extra_stats: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    chosen = set(ids)
    nodes = [{"data": g.nodes[i]} for i in ids]
    edges = [{"data": {"id": f"{s}|{typ}|{t}", **e}} for (s, t, typ), e in g.edges.items()
             if s in chosen and t in chosen]
    stats = {
        "view": view,
        "nodes": len(nodes),
        "edges": len(edges),
        "total_nodes": len(g.nodes),
        "total_edges": len(g.edges),
        "truncated": len(nodes) < len(g.nodes),
        "node_types": dict(Counter(n["data"]["type"] for n in nodes)),
        "edge_types": dict(Counter(e["data"]["type"] for e in edges)),
        **(extra_stats or {}),
    }
    return {"elements": {"nodes": nodes, "edges": edges}, "stats": stats}
