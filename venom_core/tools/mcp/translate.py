"""From the SDK's answers to Venom's terms: side effects from annotations, results as text, failures as sentences."""

from __future__ import annotations

import json
from typing import Any

from venom_core.tools.spec import SideEffect


def side_effect_of(annotations: Any) -> SideEffect:
    """readOnlyHint → read (network when openWorldHint is true too); anything else, or none, → write."""
    if annotations is None or not getattr(annotations, "read_only_hint", None):
        return "write"
    return "network" if getattr(annotations, "open_world_hint", None) else "read"


def render(result: Any) -> str:
    """A `CallToolResult`'s content as text for a model."""
    parts: list[str] = []
    for item in getattr(result, "content", None) or []:
        kind = getattr(item, "type", "")
        if kind == "text":
            parts.append(str(item.text))
        elif kind in ("image", "audio"):
            size = len(getattr(item, "data", "") or "")
            parts.append(f"[{kind}: {getattr(item, 'mime_type', '')}, {size} bytes base64]")
        elif kind == "resource":
            res = item.resource
            parts.append(str(getattr(res, "text", None) or f"[resource {getattr(res, 'uri', '')}]"))
        elif kind == "resource_link":
            parts.append(f"[link {getattr(item, 'uri', '')}]")
    structured = getattr(result, "structured_content", None)
    if not parts and structured is not None:
        parts.append(json.dumps(structured, ensure_ascii=False))
    return "\n".join(parts)


def describe(exc: BaseException) -> str:
    """One sentence for a failure, looking inside exception groups (anyio task groups raise them)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc) or type(exc).__name__
    if isinstance(exc, TimeoutError):
        return f"the server did not finish starting (initialize and list its tools): {text}"
    if isinstance(exc, FileNotFoundError):
        return f"the command was not found ({text})"
    if isinstance(exc, OSError):
        return f"the server could not be started ({text})"
    if type(exc).__name__ in ("ConnectError", "ConnectTimeout"):
        return f"could not connect to the server ({text})"
    if "Connection closed" in text:
        return "the server closed the connection"
    return text[:500]
