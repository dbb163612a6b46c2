"""Bounds on free-form JSON: the checks requests must pass, and depth-safe reading and writing.

Free-form values (a task's `generation_params`, a tool definition, ...) travel through every
layer: stored in the database, folded into task records, sent on streams, serialised by pydantic
(which gives up beyond 255 levels). One value nested too deep used to break every list that
contained it. So requests are checked against `JsonLimits` when they arrive, and storage writes
and reads stay safe even for values stored before the checks existed (`clamp`, `dumps`, `loads`).

Every walk here is iterative: a value deep enough to exhaust Python's stack must not do so while
it is being checked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from loguru import logger

# What replaces a part of a stored value that is nested beyond what can be served.
TOO_DEEP = "[value nested too deeply: dropped]"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Stored values are clamped to this depth when read back: far above what a request may send
# (`JsonLimits.max_depth`), far below pydantic's serialiser limit (255).
READ_MAX_DEPTH = 64


@dataclass(frozen=True)
class JsonLimits:
    max_depth: int = 16  # levels of nested objects/arrays
    max_items: int = 1000  # keys of one object, items of one array
    max_string: int = 32_768  # characters of one string (or key)
    max_nodes: int = 20_000  # values in the whole document


DEFAULT_LIMITS = JsonLimits()


def check(value: Any, limits: JsonLimits = DEFAULT_LIMITS) -> str | None:
    """None when `value` is within `limits`, else a sentence saying which limit it breaks."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            return f"holds more than {limits.max_nodes} values in total"
        if isinstance(item, str):
            if len(item) > limits.max_string:
                return f"holds a string longer than {limits.max_string} characters"
            continue
        if not isinstance(item, dict | list | tuple):
            continue
        if depth > limits.max_depth:
            return f"is nested deeper than {limits.max_depth} levels"
        if len(item) > limits.max_items:
            kind = "an object with more than" if isinstance(item, dict) else "an array with more than"
            return f"holds {kind} {limits.max_items} entries"
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and len(key) > limits.max_string:
                    return f"holds a key longer than {limits.max_string} characters"
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in item)
    return None


def depth_exceeds(value: Any, max_depth: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth > max_depth:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def clamp(value: Any, max_depth: int = READ_MAX_DEPTH) -> Any:
    """A copy of `value` whose containers below `max_depth` are replaced by `TOO_DEEP`.

    Returns `value` itself (no copy) when it is shallow enough, the usual case."""
    if not depth_exceeds(value, max_depth):
        return value
    root: list[Any] = [None]
    # (source, depth, parent container, key in parent)
    stack: list[tuple[Any, int, Any, Any]] = [(value, 1, root, 0)]
    while stack:
        item, depth, parent, key = stack.pop()
        if not isinstance(item, dict | list | tuple):
            parent[key] = item
        elif depth > max_depth:
            parent[key] = TOO_DEEP
        elif isinstance(item, dict):
            copy_d: dict[Any, Any] = {}
            parent[key] = copy_d
            for k, child in item.items():
                copy_d[k] = None
                stack.append((child, depth + 1, copy_d, k))
        else:
            copy_l: list[Any] = [None] * len(item)
            parent[key] = copy_l
            stack.extend((child, depth + 1, copy_l, i) for i, child in enumerate(item))
    return root[0]


def dumps(value: Any) -> str:
    """JSON for a database column. Never fails on depth or odd types: a value that cannot be
    encoded as it is gets clamped and unknown types become strings, and that is logged."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        logger.bind(no_ws=True).warning("storing a value that is not plain JSON ({}); it is stored cleaned", exc)
        text = json.dumps(clamp(value), ensure_ascii=False, default=str)
    # A lone surrogate (valid in a JSON string escape, not in UTF-8) would fail the database write
    # and, read back, every response that contains it: it is stored as U+FFFD.
    return _LONE_SURROGATE.sub("\ufffd", text)


def loads(text: str | bytes) -> Any:
    """The value of a database column; a document too deep to parse reads as `TOO_DEEP`."""
    try:
        return json.loads(text)
    except RecursionError:
        logger.bind(no_ws=True).warning("a stored JSON value is nested too deeply to read; serving a placeholder")
        return TOO_DEEP
