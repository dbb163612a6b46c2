"""A small LRU cache of query embeddings.

A query embedding is the largest part of a search (3–20 ms depending on the backend and the
load), and the same strings come back often: the chat agent recalls with the prompt, then the
lesson lookup embeds it again, and a UI re-runs the last search. The cache is keyed by the exact
query text; the embedding of a text never changes while the model is loaded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class QueryCache:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
        value = compute()
        with self._lock:
            self.misses += 1
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
