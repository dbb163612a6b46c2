"""The read-only git tools (status, log, diff, show, blame, branches) over the workspace repository.

Each call runs through `tools/git_runner.GitRunner`, so the repository's own configuration can
never make git run a program; the program-running keys it neutralised come back in the result's
`data` (the Git agent reports them). Arguments never reach git as options: a revision must look
like a commit id or `HEAD~n`, a path goes through the workspace jail and follows `--`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from venom_core.tools.git_runner import GitRunner
from venom_core.tools.spec import Handler, ToolOutput, ToolSpec
from venom_core.tools.workspace import Workspace

MAX_GIT_OUTPUT = 20_000
LOG_FORMAT = "--format=%h %ad %an %s"
REVISION = r"^([0-9a-fA-F]{7,40}|HEAD(~[0-9]{1,4}|\^{1,4})?)$"
_LIMIT = {"type": "integer", "minimum": 1, "maximum": 50}
_PATH = {"type": "string", "minLength": 1, "description": "A file path relative to the workspace root."}

Spec = Callable[..., ToolSpec]  # builtin.py's spec(name, description, handler, schema=...)
Command = Callable[[dict[str, Any]], list[str]]


def _schema(properties: dict[str, Any] | None = None, required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties or {}, "required": required or [],
            "additionalProperties": False}


def git_specs(ws: Workspace, spec: Spec) -> list[ToolSpec]:
    def git(command: Command) -> Handler:
        async def run(args: dict[str, Any]) -> ToolOutput:
            ws.require()
            argv = await asyncio.to_thread(command, args)  # a blame path is resolved (it stats): off the loop
            runner = GitRunner(ws.root)
            neutralised = await runner.prepare()
            out = await runner.run(argv)
            return ToolOutput(out[:MAX_GIT_OUTPUT] or "(no output)",
                              data={"command": "git " + " ".join(argv), "output": out,
                                    "neutralised": neutralised[:50]})
        return run

    def blame(args: dict[str, Any]) -> list[str]:
        return ["blame", "--date=short", "--", ws.relative(ws.resolve(str(args["path"])))]

    return [
        spec("git_status", "The workspace repository's status (short form, with the branch).",
             git(lambda _: ["status", "--short", "--branch"])),
        spec("git_log", "The latest commits of the workspace repository.",
             git(lambda a: ["log", "-n", str(int(a.get("limit") or 10)), "--date=short", LOG_FORMAT]),
             schema=_schema({"limit": _LIMIT})),
        spec("git_diff", "The uncommitted changes of the workspace repository (`stat`: only the changed files).",
             git(lambda a: ["diff", "HEAD", "--stat"] if a.get("stat") else ["diff", "HEAD"]),
             schema=_schema({"stat": {"type": "boolean"}})),
        spec("git_show", "One commit of the workspace repository: its message and changed files.",
             git(lambda a: ["show", "--stat", "--format=medium", str(a.get("revision") or "HEAD")]),
             schema=_schema({"revision": {"type": "string", "pattern": REVISION,
                                          "description": "A commit id, HEAD, HEAD~n or HEAD^ (default HEAD)."}})),
        spec("git_blame", "Who last changed each line of a workspace file.", git(blame),
             schema=_schema({"path": _PATH}, ["path"])),
        spec("git_branches", "The workspace repository's branches, local and remote, with their tips.",
             git(lambda _: ["branch", "-a", "-vv", "--no-color"])),
    ]
