"""Correcting an entry at the store and the service: all or nothing when embedding fails, and a
table written before entries had `updated_at`/`edited` is migrated on open. Real LanceDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from venom_core.memory.embedder import import_profile
from venom_core.memory.errors import MemoryEditFailed
from venom_core.memory.service import MemoryService
from venom_core.memory.store import Filters, MemoryStore

DIM = 8


class EncoderDown(RuntimeError):
    pass


def unit(i: int) -> list[float]:
    return [1.0 if j == i else 0.0 for j in range(DIM)]


def open_store(root: Path) -> MemoryStore:
    modules = import_profile()
    return MemoryStore(modules["lancedb"].connect(str(root)), modules["pyarrow"], DIM)


def test_a_failed_embedding_leaves_the_entry_as_it_was(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    [entry_id] = store.add(["The boiler is serviced in May."], [unit(0)], session_id="s", type_="fact",
                           pinned=False, topic=None, source="api", task_id=None)

    def broken(text: str) -> Any:
        raise EncoderDown(text)

    with pytest.raises(EncoderDown):
        store.correct(entry_id, "The boiler is serviced in June.", broken)
    kept = store.get(entry_id)
    assert kept is not None and kept["text"] == "The boiler is serviced in May." and kept["edited"] is False
    assert store.search(unit(0), 1, Filters())[0]["id"] == entry_id
    reopened = open_store(tmp_path)
    assert reopened.get(entry_id) == kept
    # It is still known under its old text (dedupe), and can be corrected afterwards.
    assert reopened.add(["the boiler is serviced in may."], [unit(0)], session_id="s", type_="fact",
                        pinned=False, topic=None, source="api", task_id=None) == [entry_id]
    fixed = reopened.correct(entry_id, "The boiler is serviced in June.", lambda _: unit(3))
    assert fixed is not None and fixed["edited"] is True
    assert reopened.search(unit(3), 1, Filters())[0]["id"] == entry_id
    assert open_store(tmp_path).get(entry_id) == fixed


def test_a_table_without_the_edit_columns_is_migrated_on_open(tmp_path: Path) -> None:
    modules = import_profile()
    pa = modules["pyarrow"]
    db = modules["lancedb"].connect(str(tmp_path))
    old = pa.schema([
        pa.field("id", pa.string()), pa.field("text", pa.string()), pa.field("vector", pa.list_(pa.float32(), DIM)),
        pa.field("type", pa.string()), pa.field("session_id", pa.string()), pa.field("user_id", pa.string()),
        pa.field("pinned", pa.bool_()), pa.field("topic", pa.string()), pa.field("source", pa.string()),
        pa.field("task_id", pa.string()), pa.field("content_hash", pa.string()), pa.field("created_at", pa.float64()),
    ])
    table = db.create_table("memories", schema=old)
    table.add([{"id": "old1", "text": "Written by the first release.", "vector": unit(1), "type": "fact",
                "session_id": "s1", "user_id": "u", "pinned": False, "topic": "", "source": "chat:user",
                "task_id": "t1", "content_hash": "h1", "created_at": 1000.0}])
    store = open_store(tmp_path)
    entry = store.get("old1")
    assert entry is not None
    assert entry["updated_at"] == 1000.0 and entry["edited"] is False and entry["origin"] == "chat"
    assert entry["task_id"] == "t1" and entry["session_id"] == "s1"
    fixed = store.correct("old1", "Corrected after the upgrade.", lambda _: unit(2))
    assert fixed is not None and fixed["updated_at"] > 1000.0
    assert open_store(tmp_path).get("old1") == fixed


async def test_the_service_answers_a_retryable_error_when_the_encoder_fails(tmp_path: Path) -> None:
    memory = MemoryService(tmp_path / "memory", threads=1)
    await memory.start()
    assert memory.available, memory.error
    [entry_id] = (await memory.ingest("The lift is inspected every spring.", session_id="s"))["ids"]
    encoder = memory.lance()[0]
    real = encoder.encode

    def broken(texts: list[str]) -> Any:
        raise EncoderDown(texts)

    encoder.encode = broken  # type: ignore[method-assign]
    try:
        with pytest.raises(MemoryEditFailed) as failed:
            await memory.correct(entry_id, text="The lift is inspected every autumn.")
    finally:
        encoder.encode = real  # type: ignore[method-assign]
    assert failed.value.status == 503 and failed.value.retryable and failed.value.code == "memory_embedding_failed"
    kept = await memory.get_entry(entry_id)
    assert kept is not None and kept["text"] == "The lift is inspected every spring." and not kept["edited"]
    hits = await memory.search("inspected every spring", limit=1)
    assert hits[0]["id"] == entry_id
    assert await memory.correct("missing", text="Anything.") is None
