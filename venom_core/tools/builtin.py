"""Venom's own tools in the registry, and the only way the agents reach the workspace, git and the web.

Each tool calls the work in this package (`files.py`, `git_tools.py`, `web.py`, through the
workspace jail), memory search, the static answers or the roadmap report, and turns the answer
into text for a model plus the same facts as `data` for an agent. Failures (`TaskFailure`,
`MemoryUnavailable`, `OutboundError`) become the call's error result in the registry, with their code.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from venom_core.core.fast_paths import infra_text, time_text
from venom_core.memory.service import MemoryService
from venom_core.net.outbound import OutboundFetcher
from venom_core.strategy.store import RoadmapStore, report
from venom_core.tools import files, web
from venom_core.tools.git_tools import git_specs
from venom_core.tools.spec import Handler, SideEffect, ToolOutput, ToolSpec
from venom_core.tools.workspace import Workspace

MAX_WRITE_CHARS = 1_000_000


@dataclass(slots=True)
class BuiltinDeps:
    workspace: Workspace
    fetcher: OutboundFetcher
    search_url: str
    memory: MemoryService
    status: Callable[[], Awaitable[dict[str, Any]]]
    roadmap: RoadmapStore


def _schema(properties: dict[str, Any] | None = None, required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties or {}, "required": required or [],
            "additionalProperties": False}


_PATH = {"type": "string", "description": "A path relative to the workspace root ('.' for the root)."}


def _answer(found: files.FileAnswer) -> ToolOutput:
    return ToolOutput(found.evidence, data=found.fields())


def builtin_specs(d: BuiltinDeps) -> list[ToolSpec]:
    ws = d.workspace

    async def workspace_list(args: dict[str, Any]) -> ToolOutput:
        ws.require()
        return _answer(await asyncio.to_thread(
            lambda: files.list_folder(ws, ws.resolve(str(args.get("path") or ".")))))

    async def workspace_read(args: dict[str, Any]) -> ToolOutput:
        ws.require()
        found, text = await asyncio.to_thread(lambda: files.read_file(ws, ws.resolve(str(args["path"]))))
        return ToolOutput(found.evidence, data={**found.fields(), "text": text})

    async def workspace_search(args: dict[str, Any]) -> ToolOutput:
        ws.require()
        return _answer(await asyncio.to_thread(
            lambda: files.search_files(ws, ws.resolve(str(args.get("path") or ".")), str(args["term"]))))

    async def workspace_write(args: dict[str, Any]) -> ToolOutput:
        return _answer(await asyncio.to_thread(files.write_file, ws, str(args["path"]), str(args["content"])))

    async def web_search(args: dict[str, Any]) -> ToolOutput:
        found = await web.search(d.fetcher, d.search_url, str(args["query"]))
        text = "\n".join(f"- [{t or u}]({u})" for u, t in found["results"])
        return ToolOutput(text or "(no results)", data=found)

    async def web_fetch(args: dict[str, Any]) -> ToolOutput:
        page = await web.read_page(d.fetcher, str(args["url"]))
        return ToolOutput(f"HTTP {page['status']} {page['url']}\n{page['text'][:web.PAGE_CHARS * 4]}",
                          page["status"] >= 400, data=page)

    async def memory_search(args: dict[str, Any]) -> ToolOutput:
        hits = await d.memory.search(str(args["query"]), limit=int(args.get("limit") or 5))
        shown = [{"id": h["id"], "text": h["text"][:500], "score": round(float(h["score"]), 4)} for h in hits]
        return ToolOutput(json.dumps(shown, ensure_ascii=False))

    async def now(_: dict[str, Any]) -> ToolOutput:
        return ToolOutput(time_text())

    async def system_status(_: dict[str, Any]) -> ToolOutput:
        return ToolOutput(infra_text(await d.status()))

    async def roadmap(_: dict[str, Any]) -> ToolOutput:
        return ToolOutput(report(await d.roadmap.tree()))

    def spec(name: str, description: str, handler: Handler, side_effect: SideEffect = "read",
             schema: dict[str, Any] | None = None) -> ToolSpec:
        return ToolSpec(id=f"builtin:{name}", function_name=name, description=description,
                        input_schema=schema or _schema(), source="builtin", side_effect=side_effect, handler=handler)

    limit = {"type": "integer", "minimum": 1, "maximum": 50}
    return [
        spec("workspace_list", "List the files under a folder of the workspace.", workspace_list,
             schema=_schema({"path": _PATH})),
        spec("workspace_read", "Read a text file of the workspace (at most 64 kB).", workspace_read,
             schema=_schema({"path": _PATH}, ["path"])),
        spec("workspace_search", "Search the workspace's text files for a word or phrase (case-insensitive).",
             workspace_search, schema=_schema({"term": {"type": "string", "minLength": 1}, "path": _PATH}, ["term"])),
        spec("workspace_write", "Write a text file in the workspace (created or replaced).", workspace_write, "write",
             _schema({"path": {**_PATH, "minLength": 1},
                      "content": {"type": "string", "maxLength": MAX_WRITE_CHARS}}, ["path", "content"])),
        *git_specs(ws, spec),
        spec("web_search", "Search the web; answers a list of result links.", web_search, "network",
             _schema({"query": {"type": "string", "minLength": 1}}, ["query"])),
        spec("web_fetch", "Read a web page (public addresses only) as text.", web_fetch, "network",
             _schema({"url": {"type": "string", "minLength": 1}}, ["url"])),
        spec("memory_search", "Search Venom's long-term memory; answers the closest entries as JSON.",
             memory_search, schema=_schema({"query": {"type": "string", "minLength": 1}, "limit": limit}, ["query"])),
        spec("time_now", "The current local date and time.", now),
        spec("system_status", "Venom's system status (host, uptime, memory, CPU).", system_status),
        spec("roadmap", "The project roadmap's progress report (markdown).", roadmap),
    ]
