"""Lessons: what Venom did for a task, how it went, and the user's feedback on it.

One lesson per task (recording is idempotent). The situation is embedded so the orchestrator
can ask for the lessons relevant to a new prompt. Pruning and dedupe work on a plain scan:
lessons number in the thousands, not millions.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from venom_core.memory.chunking import content_hash
from venom_core.memory.lance import LanceTable, sql_in, sql_str

COLUMNS = ["id", "task_id", "session_id", "situation", "action", "result", "success", "tags", "feedback_rating",
           "feedback_comment", "feedback_at", "created_at", "content_hash"]
TEXT_LIMIT = 1200


def lesson_schema(pa: Any, dim: int) -> Any:
    s = pa.string()
    return pa.schema([
        pa.field("id", s), pa.field("task_id", s), pa.field("session_id", s), pa.field("situation", s),
        pa.field("action", s), pa.field("result", s), pa.field("success", pa.bool_()),
        pa.field("tags", pa.list_(s)), pa.field("feedback_rating", s), pa.field("feedback_comment", s),
        pa.field("feedback_at", pa.float64()), pa.field("created_at", pa.float64()),
        pa.field("content_hash", s), pa.field("vector", pa.list_(pa.float32(), dim)),
    ])


def public(row: dict[str, Any], score: float | None = None) -> dict[str, Any]:
    out = {k: row.get(k) for k in ("id", "situation", "action", "result", "success", "created_at")}
    out["lesson_id"] = row.get("id")
    out["task_id"] = row.get("task_id") or None
    out["session_id"] = row.get("session_id") or None
    out["tags"] = list(row.get("tags") or [])
    rating = row.get("feedback_rating") or None
    out["feedback"] = ({"rating": rating, "comment": row.get("feedback_comment") or "",
                        "at": row.get("feedback_at")} if rating else None)
    if score is not None:
        out["score"] = round(score, 4)
    return out


class LessonStore:
    def __init__(self, db: Any, pa: Any, dim: int):
        self.t = LanceTable(db, "lessons", lesson_schema(pa, dim))

    def by_task(self, task_id: str) -> dict[str, Any] | None:
        rows = self.t.scan(COLUMNS, where=f"task_id = {sql_str(task_id)}", limit=1)
        return rows[0] if rows else None

    def record(self, *, task_id: str, session_id: str | None, situation: str, action: str, result: str,
               success: bool, tags: Sequence[str], vector: Any) -> str:
        existing = self.by_task(task_id) if task_id else None
        if existing is not None:
            return str(existing["id"])
        lesson_id = uuid.uuid4().hex
        situation, action, result = situation[:TEXT_LIMIT], action[:TEXT_LIMIT], result[:TEXT_LIMIT]
        self.t.add([{
            "id": lesson_id, "task_id": task_id, "session_id": session_id or "", "situation": situation,
            "action": action, "result": result, "success": success, "tags": sorted(set(tags)),
            "feedback_rating": "", "feedback_comment": "", "feedback_at": 0.0, "created_at": time.time(),
            "content_hash": content_hash(f"{situation}\n{action}\n{result}\n{success}"), "vector": vector,
        }])
        return lesson_id

    def relevant(self, vector: Any, limit: int) -> list[dict[str, Any]]:
        if self.t.count() == 0:
            return []
        rows = (self.t.table.search(vector, vector_column_name="vector").distance_type("cosine")
                .select(COLUMNS).limit(limit).to_list())
        return [public(r, 1.0 - float(r["_distance"])) for r in rows]

    def set_feedback(self, task_id: str, rating: str, comment: str) -> str | None:
        lesson = self.by_task(task_id)
        if lesson is None:
            return None
        self.t.update(f"id = {sql_str(lesson['id'])}",
                      {"feedback_rating": rating, "feedback_comment": comment, "feedback_at": time.time()})
        return str(lesson["id"])

    def all(self) -> list[dict[str, Any]]:
        rows = self.t.scan(COLUMNS)
        rows.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
        return rows

    def listing(self, limit: int, tag: str | None = None, success: bool | None = None) -> list[dict[str, Any]]:
        rows = [r for r in self.all() if (tag is None or tag in (r["tags"] or []))
                and (success is None or r["success"] == success)]
        return [public(r) for r in rows[:limit]]

    def stats(self) -> dict[str, Any]:
        rows = self.all()
        tags: Counter[str] = Counter(t for r in rows for t in (r["tags"] or []))
        ratings = Counter(r["feedback_rating"] for r in rows if r["feedback_rating"])
        return {
            "total": len(rows),
            "success": sum(1 for r in rows if r["success"]),
            "failed": sum(1 for r in rows if not r["success"]),
            "with_feedback": sum(ratings.values()),
            "feedback": {"up": ratings.get("up", 0), "down": ratings.get("down", 0)},
            "tags": dict(tags.most_common(50)),
            "unique_tags": len(tags),
            "newest": rows[0]["created_at"] if rows else None,
            "oldest": rows[-1]["created_at"] if rows else None,
        }

    def _delete_ids(self, ids: list[str]) -> int:
        deleted = 0
        for start in range(0, len(ids), 500):
            deleted += self.t.delete(sql_in("id", ids[start:start + 500]))
        return deleted

    def prune(self, doomed: Callable[[int, dict[str, Any]], bool]) -> dict[str, int]:
        """Delete every lesson for which `doomed(rank, row)` is true (rank 0 = newest)."""
        rows = self.all()
        ids = [r["id"] for i, r in enumerate(rows) if doomed(i, r)]
        deleted = self._delete_ids(ids)
        return {"deleted": deleted, "remaining": len(rows) - deleted}

    def dedupe(self) -> dict[str, int]:
        """Keep the newest lesson of each identical (situation, action, result, success)."""
        seen: set[str] = set()

        def duplicate(_: int, row: dict[str, Any]) -> bool:
            if row["content_hash"] in seen:
                return True
            seen.add(row["content_hash"])
            return False

        result = self.prune(duplicate)
        return {"removed": result["deleted"], "remaining": result["remaining"]}

    def graph_rows(self) -> list[dict[str, Any]]:
        return self.t.scan(["id", "task_id", "session_id", "situation", "success", "tags", "feedback_rating"])

    def vectors(self, ids: Sequence[str]) -> dict[str, Any]:
        if not ids:
            return {}
        return {r["id"]: r["vector"] for r in self.t.scan(["id", "vector"], where=sql_in("id", ids))}
