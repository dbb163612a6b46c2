"""The workspace file tools' work: list a folder, read a text file, search text files, write a file.

Every path has already been through the workspace jail (`tools/workspace.py`). These functions
block on the filesystem; the built-in tools run them through `asyncio.to_thread`. Each answer is
the text a model reads (`evidence`) and the same facts as fields (`data`), which the agents show
in their TOOL_USAGE events.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from venom_core.agents.markdown import fenced
from venom_core.core import safe_fs
from venom_core.tools.workspace import Workspace

MAX_LIST = 200
MAX_HITS = 50
MAX_SEARCH_BYTES = 1_000_000  # larger files are not searched
MAX_SEARCH_TOTAL = 50_000_000  # bytes read by one search


@dataclass(slots=True)
class FileAnswer:
    """What a filesystem operation found and the tool event that reports it."""

    evidence: str
    tool: str
    message: str
    data: dict[str, Any]

    def fields(self) -> dict[str, Any]:
        return {"evidence": self.evidence, "tool": self.tool, "message": self.message, "data": self.data}


def list_folder(ws: Workspace, folder: Path) -> FileAnswer:
    walk = ws.files(folder, limit=MAX_LIST)
    rel = [ws.relative(f) for f in walk.files]
    where = ws.relative(folder)
    body = "\n".join(f"- `{r}`" for r in rel) or "(the folder is empty)"
    note = f"\n_{walk.note()}_\n" if walk.note() else ""
    return FileAnswer(f"**Files in `{where}`** ({len(rel)})\n{body}\n{note}", "list_files", f"list {where}",
                      {"path": where, "count": len(rel), "skipped": walk.skipped, "truncated": walk.truncated})


def read_file(ws: Workspace, path: Path) -> tuple[FileAnswer, str]:
    """The answer for a model, and the file's text itself (for an agent that reviews it)."""
    text, head = ws.text_head(path)
    rel = ws.relative(path)
    note = f"\n_(showing the first {len(head.data):,} of {head.size:,} bytes)_\n" if head.truncated else ""
    return FileAnswer(f"**`{rel}`**\n{fenced(text)}\n{note}", "read_file", f"read {rel}",
                      {"path": rel, "chars": len(text), "size": head.size, "truncated": head.truncated}), text


def search_files(ws: Workspace, base: Path, term: str) -> FileAnswer:
    needle = term.lower()
    hits: list[str] = []
    walk = ws.files(base)
    budget = MAX_SEARCH_TOTAL
    for path in walk.files:
        if len(hits) >= MAX_HITS or budget <= 0:
            break
        try:
            head = safe_fs.read_head(ws.root, path, MAX_SEARCH_BYTES)
        except OSError:
            continue
        budget -= len(head.data)
        if head.truncated or b"\x00" in head.data[:4096]:
            continue  # too big to search, or binary
        for lineno, line in enumerate(head.data.decode("utf-8", errors="replace").splitlines(), 1):
            if needle in line.lower():
                hits.append(f"- `{ws.relative(path)}:{lineno}`: {line.strip()[:160]}")
                if len(hits) >= MAX_HITS:
                    break
    body = "\n".join(hits) or "(no matches)"
    note = f"\n_{walk.note()}_\n" if walk.note() else ""
    evidence = f"**Search for `{term}`** ({len(hits)} match{'es' if len(hits) != 1 else ''})\n{body}\n{note}"
    return FileAnswer(evidence, "search_files", f"search '{term}'",
                      {"term": term, "path": ws.relative(base), "hits": len(hits), "skipped": walk.skipped})


def write_file(ws: Workspace, rel: str, content: str) -> FileAnswer:
    ws.ensure()
    path = ws.resolve(rel)
    ws.write_text(path, content)
    where = ws.relative(path)
    size = len(content.encode())
    return FileAnswer(f"Wrote {size:,} bytes to `{where}`.", "write_file", f"wrote {where}",
                      {"path": where, "bytes": size})
