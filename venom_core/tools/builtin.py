"""Venom's own tools in the registry: thin wrappers around the functions the agents already use.

Each wrapper calls the existing code (the Librarian's list/read/search, the safe git runner, the
outbound fetcher, memory search, the static answers, the roadmap report) and turns its answer into
text; their failures (`TaskFailure`, `MemoryUnavailable`, `OutboundError`) become the call's error
result in the registry. The agents still call the same functions directly; moving them onto the
registry is the next step.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from venom_core.agents.git_runner import GitRunner
from venom_core.agents.librarian import LibrarianAgent
from venom_core.agents.researcher import MAX_RESULTS, PAGE_CHARS, _Text
from venom_core.core.fast_paths import infra_text, time_text
from venom_core.memory.service import MemoryService
from venom_core.net.outbound import OutboundFetcher
from venom_core.strategy.store import RoadmapStore, report
from venom_core.tools.spec import Handler, SideEffect, ToolError, ToolOutput, ToolSpec

MAX_GIT_OUTPUT = 20_000


@dataclass(slots=True)
class BuiltinDeps:
    librarian: LibrarianAgent
    fetcher: OutboundFetcher
    search_url: str
    memory: MemoryService
    status: Callable[[], Awaitable[dict[str, Any]]]
    roadmap: RoadmapStore


def _schema(properties: dict[str, Any] | None = None, required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties or {}, "required": required or [],
            "additionalProperties": False}


_PATH = {"type": "string", "description": "A path relative to the workspace root ('.' for the root)."}


def builtin_specs(d: BuiltinDeps) -> list[ToolSpec]:
    ws = d.librarian.workspace

    async def workspace_list(args: dict[str, Any]) -> ToolOutput:
        ws.require()
        folder = ws.resolve(str(args.get("path") or "."))
        return ToolOutput((await asyncio.to_thread(d.librarian.list, folder)).evidence)

    async def workspace_read(args: dict[str, Any]) -> ToolOutput:
        ws.require()
        return ToolOutput((await asyncio.to_thread(d.librarian.read, ws.resolve(str(args["path"])))).evidence)

    async def workspace_search(args: dict[str, Any]) -> ToolOutput:
        ws.require()
        base = ws.resolve(str(args.get("path") or "."))
        return ToolOutput((await asyncio.to_thread(d.librarian.search, base, str(args["term"]))).evidence)

    def git(*fixed: str, limit_arg: bool = False) -> Handler:
        async def run(args: dict[str, Any]) -> ToolOutput:
            ws.require()
            runner = GitRunner(ws.root)
            await runner.prepare()
            cmd = [*fixed, "-n", str(int(args.get("limit") or 10))] if limit_arg else list(fixed)
            out = await runner.run(cmd)
            return ToolOutput(out[:MAX_GIT_OUTPUT] or "(no output)")
        return run

    async def web_search(args: dict[str, Any]) -> ToolOutput:
        resp = await d.fetcher.fetch(d.search_url, method="POST", data={"q": str(args["query"])})
        if resp.status_code >= 400:
            raise ToolError("search_failed", f"The web search answered HTTP {resp.status_code}.")
        parser = _Text()
        parser.feed(resp.text())
        links = [(u, t) for u, t in parser.links if u.startswith("http")][:MAX_RESULTS]
        return ToolOutput("\n".join(f"- [{t or u}]({u})" for u, t in links) or "(no results)")

    async def web_fetch(args: dict[str, Any]) -> ToolOutput:
        resp = await d.fetcher.fetch(str(args["url"]))
        text = resp.text()
        if "html" in (resp.content_type or "html"):
            parser = _Text()
            parser.feed(text[:500_000])
            text = parser.text()
        return ToolOutput(f"HTTP {resp.status_code} {resp.url}\n{text[:PAGE_CHARS * 4]}", resp.status_code >= 400)

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
        spec("git_status", "The workspace repository's status (short form, with the branch).",
             git("status", "--short", "--branch")),
        spec("git_log", "The latest commits of the workspace repository.",
             git("log", "--date=short", "--format=%h %ad %an %s", limit_arg=True), schema=_schema({"limit": limit})),
        spec("git_diff", "The uncommitted changes of the workspace repository.", git("diff", "HEAD")),
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
