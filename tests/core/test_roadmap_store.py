"""The roadmap store on each storage backend (SQLite and PostgreSQL): a tree written, edited,
pruned, and a task's status following the real task record, as stored and read back after the
storage is reopened. (The HTTP side, with a model, is tests/orchestrator/test_strategy.py.)"""

from __future__ import annotations

import asyncio

from venom_core.core.models import Task, TaskStatus, utcnow
from venom_core.storage.sql import SqlStorage
from venom_core.strategy.store import ItemNotFound, RoadmapStore, kpis


async def _scenario(url: str) -> None:
    tasks: dict[str, Task] = {}

    async def lookup(task_id: str) -> Task | None:
        return tasks.get(task_id)

    storage = SqlStorage(url)
    await storage.init()
    store = RoadmapStore(storage, lookup)
    await store.replace("Ship it", "the vision", [
        {"title": "M1", "tasks": [{"title": "a"}, {"title": "b"}]},
        {"title": "M2", "tasks": [{"title": "c"}]},
    ])
    vision = await store.tree()
    assert vision is not None and [m.title for m in vision.children] == ["M1", "M2"]
    m1, m2 = vision.children
    assert [t.title for t in m1.children] == ["a", "b"]
    added = await store.add("task", m2.id, "d", "", 5)
    assert added.position == 1 and added.priority == 5
    a = m1.children[0]
    now = utcnow()
    tasks["real"] = Task(id="real", content="x", status=TaskStatus.COMPLETED, created_at=now, updated_at=now)
    await store.update(a.id, task_id="real", title="a, renamed")
    assert (await store.get(a.id)).status == "COMPLETED"  # follows the real task, written back
    assert await store.delete(m2.id) == 3  # the milestone and its two tasks
    await storage.close()

    storage = SqlStorage(url)
    await storage.init()
    store = RoadmapStore(storage, lookup)
    vision = await store.tree()
    assert vision is not None and [m.title for m in vision.children] == ["M1"]
    assert [(t.title, t.status) for t in vision.children[0].children] == [("a, renamed", "COMPLETED"),
                                                                         ("b", "PENDING")]
    assert vision.children[0].status == "IN_PROGRESS"
    assert kpis(vision)["tasks_completed"] == 1 and kpis(vision)["tasks_total"] == 2
    try:
        await store.get(m2.id)
    except ItemNotFound:
        pass
    else:
        raise AssertionError("a deleted milestone is still there")
    await storage.close()


def test_the_roadmap_is_stored_and_read_back(database_url: str) -> None:
    asyncio.run(_scenario(database_url))
