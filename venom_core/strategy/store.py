"""The roadmap store: a vision, its milestones and their tasks, with computed progress and KPIs.

A roadmap task can be sent to the queue; from then on its status *follows the real task*: it is
derived from the task record whenever the roadmap is read (and written back when it changed),
so it can never disagree with `/api/v1/tasks/{id}`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from venom_core.core.models import Task, TaskStatus
from venom_core.storage.sql import SqlStorage
from venom_core.strategy.tables import roadmap_items

STATUSES = ("PENDING", "IN_PROGRESS", "COMPLETED", "BLOCKED", "CANCELLED")
KINDS = ("vision", "milestone", "task")
TASK_TO_ITEM: dict[TaskStatus, str] = {
    TaskStatus.PENDING: "IN_PROGRESS",
    TaskStatus.PROCESSING: "IN_PROGRESS",
    TaskStatus.COMPLETED: "COMPLETED",
    TaskStatus.FAILED: "BLOCKED",
    TaskStatus.CANCELLED: "CANCELLED",
}
TaskLookup = Callable[[str], Awaitable[Task | None]]


class ItemNotFound(LookupError):
    pass


@dataclass(slots=True)
class Item:
    id: str
    kind: str
    parent_id: str | None
    title: str
    description: str
    status: str
    priority: int
    position: int
    task_id: str | None
    children: list[Item] = field(default_factory=list)

    @property
    def progress(self) -> float:
        """Percent done: own status for a task, share of completed tasks for a milestone."""
        if self.kind == "task":
            return 100.0 if self.status == "COMPLETED" else 0.0
        tasks = [t for t in self.children if t.status != "CANCELLED"]
        if not tasks:
            return 100.0 if self.status == "COMPLETED" else 0.0
        return round(100.0 * sum(t.status == "COMPLETED" for t in tasks) / len(tasks), 1)

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "description": self.description,
                               "status": self.status, "priority": self.priority, "progress": self.progress}
        if self.kind == "task":
            out["task_id"] = self.task_id
        if self.kind == "milestone":
            out["tasks"] = [c.view() for c in self.children]
        return out


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _item(row: sa.Row[Any]) -> Item:
    return Item(row.id, row.kind, row.parent_id, row.title, row.description, row.status, row.priority,
                row.position, row.task_id)


def rollup(milestone: Item) -> str:
    """A milestone's status from its tasks (an explicit BLOCKED/CANCELLED on it is kept)."""
    if milestone.status in ("BLOCKED", "CANCELLED") or not milestone.children:
        return milestone.status
    states = {t.status for t in milestone.children if t.status != "CANCELLED"}
    if states == {"COMPLETED"}:
        return "COMPLETED"
    if states & {"IN_PROGRESS", "COMPLETED", "BLOCKED"}:
        return "IN_PROGRESS"
    return "PENDING"


class RoadmapStore:
    def __init__(self, storage: SqlStorage, lookup: TaskLookup):
        self.storage = storage
        self.lookup = lookup

    # -- writes --------------------------------------------------------------------------------
    async def replace(self, vision: str, description: str, milestones: list[dict[str, Any]]) -> None:
        """Start a new roadmap: the old one is removed (one vision at a time, as in the reference)."""
        now = _now()
        rows: list[dict[str, Any]] = []
        vid = uuid.uuid4().hex
        rows.append(self._row(vid, "vision", None, vision, description, 0, 0, now))
        for mpos, ms in enumerate(milestones):
            mid = uuid.uuid4().hex
            rows.append(self._row(mid, "milestone", vid, ms["title"], ms.get("description", ""),
                                  int(ms.get("priority", mpos + 1)), mpos, now))
            for tpos, task in enumerate(ms.get("tasks", [])):
                rows.append(self._row(uuid.uuid4().hex, "task", mid, task["title"], task.get("description", ""),
                                      int(task.get("priority", tpos + 1)), tpos, now))

        def write(conn: Connection) -> None:
            conn.execute(roadmap_items.delete())
            conn.execute(roadmap_items.insert(), rows)

        await self.storage.run(write, write=True)

    @staticmethod
    def _row(iid: str, kind: str, parent: str | None, title: str, description: str, priority: int,
             position: int, now: datetime) -> dict[str, Any]:
        return {"id": iid, "kind": kind, "parent_id": parent, "title": title[:300], "description": description,
                "status": "PENDING", "priority": priority, "position": position, "task_id": None,
                "created_at": now, "updated_at": now}

    async def add(self, kind: str, parent_id: str, title: str, description: str, priority: int) -> Item:
        parent = await self.get(parent_id)
        if (kind, parent.kind) not in (("milestone", "vision"), ("task", "milestone")):
            raise ValueError(f"a {kind} cannot be added under a {parent.kind}")

        def write(conn: Connection) -> str:
            position = conn.scalar(sa.select(sa.func.count()).where(roadmap_items.c.parent_id == parent_id))
            row = self._row(uuid.uuid4().hex, kind, parent_id, title, description, priority, int(position or 0),
                            _now())
            conn.execute(roadmap_items.insert().values(**row))
            return str(row["id"])

        return await self.get(await self.storage.run(write, write=True))

    async def update(self, item_id: str, **changes: Any) -> Item:
        await self.get(item_id)
        values = {k: v for k, v in changes.items() if v is not None}
        if values:
            stmt = roadmap_items.update().where(roadmap_items.c.id == item_id).values(**values, updated_at=_now())
            await self.storage.run(lambda conn: conn.execute(stmt), write=True)
        return await self.get(item_id)

    async def delete(self, item_id: str) -> int:
        """Delete an item and everything under it."""
        item = await self.get(item_id)

        def write(conn: Connection) -> int:
            ids = [item.id]
            frontier = [item.id]
            while frontier:
                kids = conn.execute(sa.select(roadmap_items.c.id)
                                    .where(roadmap_items.c.parent_id.in_(frontier))).scalars().all()
                ids.extend(kids)
                frontier = list(kids)
            conn.execute(roadmap_items.delete().where(roadmap_items.c.id.in_(ids)))
            return len(ids)

        return await self.storage.run(write, write=True)

    # -- reads ---------------------------------------------------------------------------------
    async def get(self, item_id: str) -> Item:
        query = sa.select(roadmap_items).where(roadmap_items.c.id == item_id)
        row = await self.storage.run(lambda conn: conn.execute(query).first())
        if row is None:
            raise ItemNotFound(item_id)
        item = _item(row)
        if item.kind == "task" and item.task_id:
            await self._follow([item])
        return item

    async def tree(self) -> Item | None:
        query = sa.select(roadmap_items).order_by(roadmap_items.c.position)
        items = await self.storage.run(lambda conn: [_item(r) for r in conn.execute(query)])
        await self._follow([i for i in items if i.kind == "task" and i.task_id])
        by_id = {i.id: i for i in items}
        vision = next((i for i in items if i.kind == "vision"), None)
        for i in items:
            if i.parent_id in by_id:
                by_id[i.parent_id].children.append(i)
        if vision is not None:
            for ms in vision.children:
                ms.status = rollup(ms)
        return vision

    async def _follow(self, items: list[Item]) -> None:
        """Status follows the real task; persist what changed."""
        changed: list[Item] = []
        for item in items:
            task = await self.lookup(str(item.task_id))
            status = TASK_TO_ITEM[task.status] if task is not None else "BLOCKED"
            if status != item.status:
                item.status = status
                changed.append(item)
        if changed:
            now = _now()

            def write(conn: Connection) -> None:
                for item in changed:
                    conn.execute(roadmap_items.update().where(roadmap_items.c.id == item.id)
                                 .values(status=item.status, updated_at=now))

            await self.storage.run(write, write=True)


def kpis(vision: Item | None) -> dict[str, Any]:
    milestones = vision.children if vision else []
    tasks = [t for m in milestones for t in m.children if t.status != "CANCELLED"]
    done = sum(t.status == "COMPLETED" for t in tasks)
    return {
        "completion_rate": round(100.0 * done / len(tasks), 1) if tasks else 0.0,
        "milestones_completed": sum(m.status == "COMPLETED" for m in milestones),
        "milestones_total": len(milestones),
        "tasks_completed": done,
        "tasks_in_progress": sum(t.status == "IN_PROGRESS" for t in tasks),
        "tasks_blocked": sum(t.status == "BLOCKED" for t in tasks),
        "tasks_total": len(tasks),
    }


_MARK = {"COMPLETED": "x", "IN_PROGRESS": "~", "BLOCKED": "!", "CANCELLED": "-", "PENDING": " "}


def report(vision: Item | None) -> str:
    """The markdown progress report of `GET /api/v1/roadmap/status`."""
    if vision is None:
        return "# Roadmap\n\nNo vision is defined yet. Create one with `POST /api/v1/roadmap/create`."
    k = kpis(vision)
    lines = [f"# Roadmap: {vision.title}", ""]
    if vision.description:
        lines += [vision.description, ""]
    lines += [f"**Progress:** {k['completion_rate']}% — {k['tasks_completed']}/{k['tasks_total']} tasks, "
              f"{k['milestones_completed']}/{k['milestones_total']} milestones completed.", ""]
    for ms in vision.children:
        lines.append(f"## {ms.title} — {ms.status} ({ms.progress}%)")
        for t in ms.children:
            suffix = f" (task `{t.task_id}`)" if t.task_id else ""
            lines.append(f"- [{_MARK.get(t.status, ' ')}] {t.title} — {t.status}{suffix}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
