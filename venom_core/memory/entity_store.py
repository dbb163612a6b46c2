"""The extracted entities of every entry and lesson, kept on disk across restarts.

A cold graph build spends about half of its time in the entity regexes (measured at 10k
nodes: 0.7 s of 1.5 s on the busy 2-core box; 0.37 s with the entities known). Entry texts
change only by a correction (which replaces its entities), so the entities of an id stay valid
until it is deleted or corrected. They are kept in an append-only JSON-lines file beside the
LanceDB data (`graph_entities.jsonl`): each full graph build appends the ids it extracted for
the first time (work in proportion to what is new), a correction appends its entry's line, and
the file is rewritten with the live ids only once dead lines outnumber live ones. A missing or
damaged file only costs one regex pass. A sidecar file is used rather than a LanceDB column so
existing tables need no schema migration.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Collection
from itertools import islice
from pathlib import Path

from loguru import logger

from venom_core.memory.graph import EntityCache


class EntityStore:
    def __init__(self, path: Path):
        self.path = path
        self.cache: EntityCache = {}
        self.lock = threading.Lock()  # hold it while building with `cache` and while saving
        self._loaded = False
        self._persisted = 0  # the first `_persisted` keys of `cache` (insertion order) are on disk
        self._lines = 0
        self.llm_done: set[str] = set()  # ids the LLM enrichment has handled (its entities are in `cache`)

    def load(self) -> EntityCache:
        """The cache, read from disk on the first call (blocking: call it off the event loop)."""
        if self._loaded:
            return self.cache
        self._loaded = True
        try:
            with self.path.open() as fh:
                for line in fh:
                    self._lines += 1
                    try:
                        item = json.loads(line)
                        self.cache[str(item["k"])] = [(str(n), str(e)) for n, e in item["e"]]
                        if item.get("llm"):
                            self.llm_done.add(str(item["k"]))
                        else:  # a later plain line (a corrected text) replaces the model's entities
                            self.llm_done.discard(str(item["k"]))
                    except (ValueError, TypeError, KeyError):
                        continue  # a torn last line after a crash: that id is extracted again
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("ignoring unreadable {} ({}); entities are extracted again", self.path, exc)
        self._persisted = len(self.cache)
        return self.cache

    def save(self, live: Collection[str]) -> None:
        """After a full build: append the new ids; compact when dead lines outnumber live ids."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._lines > 2 * len(live) + 100:
                self._rewrite(live)
                return
            # Ids that `record` added are on disk already.
            fresh = [(k, v) for k, v in islice(self.cache.items(), self._persisted, None) if k not in self.llm_done]
            self._persisted = len(self.cache)
            if not fresh:
                return
            with self.path.open("a") as fh:
                fh.write("".join(_line(k, v) for k, v in fresh))
            self._lines += len(fresh)
        except OSError as exc:
            logger.warning("could not save {} ({})", self.path, exc)

    def record(self, key: str, names: list[tuple[str, str]]) -> None:
        """Replace one id's entities (the LLM enrichment) and append them at once: on load a
        later line wins, so the file needs no rewrite."""
        self.cache[key] = names
        self.llm_done.add(key)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a") as fh:
                fh.write(_line(key, names, llm=True))
            self._lines += 1
        except OSError as exc:
            logger.warning("could not save {} ({})", self.path, exc)

    def replace(self, key: str, names: list[tuple[str, str]]) -> None:
        """An entry's text changed: its new (heuristic) entities replace the old ones, on disk at once;
        the LLM enrichment may handle it again."""
        self.cache[key] = names
        self.llm_done.discard(key)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a") as fh:
                fh.write(_line(key, names))
            self._lines += 1
        except OSError as exc:
            logger.warning("could not save {} ({})", self.path, exc)

    def _rewrite(self, live: Collection[str]) -> None:
        for key in [k for k in self.cache if k not in live]:
            del self.cache[key]
        self.llm_done &= set(self.cache)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text("".join(_line(k, v, llm=k in self.llm_done) for k, v in self.cache.items()))
        os.replace(tmp, self.path)
        self._persisted = self._lines = len(self.cache)


def _line(key: str, names: list[tuple[str, str]], llm: bool = False) -> str:
    item: dict[str, object] = {"k": key, "e": names}
    if llm:
        item["llm"] = True
    return json.dumps(item, separators=(",", ":")) + "\n"
