"""How an MCP server's tool is named in the registry.

The id is `mcp:<server>:<tool>` (the server's own tool name, unchanged). The function name the
model sees is `<server>__<tool>`, which matches `^[a-zA-Z0-9_-]{1,64}$` when both parts do; a
tool name with other characters (MCP allows `.` and `/`) has them replaced by `_`, and a name too
long for 64 characters is shortened with a hash of the whole, so two tools never share one name.
"""

from __future__ import annotations

import hashlib
import re

_INVALID = re.compile(r"[^a-zA-Z0-9_-]")
MAX = 64


def tool_id(server: str, tool: str) -> str:
    return f"mcp:{server}:{tool}"


def function_name(server: str, tool: str) -> str:
    name = f"{server}__{_INVALID.sub('_', tool)}"
    if len(name) <= MAX and name == f"{server}__{tool}":
        return name
    digest = hashlib.sha256(f"{server}\0{tool}".encode()).hexdigest()[:8]
    return f"{name[: MAX - 9]}_{digest}"
