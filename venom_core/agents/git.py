"""Git: read-only answers about the workspace repository, from real `git` output.

Which git tools run is decided from the question (status, log, diff, show, blame, branches); each
is a call of the tool registry's git tools (`tools/git_tools.py`, whose runner never lets the
repository's own configuration make git run a program), so every command is a TOOL_CALL_* event
under the tools' policy. The model then summarises the output; the output itself is part of the
answer, so the answer is grounded even when the model is small or absent.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, ClassVar

from venom_core.agents.base import AgentRun, Llm, grounded_answer, tool_event
from venom_core.agents.markdown import fenced
from venom_core.agents.spec import STRONG, WEAK, AgentSpec, Register
from venom_core.agents.tool_use import use_tool
from venom_core.core.text import normalize
from venom_core.tools.invoker import ToolInvoker
from venom_core.tools.workspace import Workspace, path_tokens

MAX_OUTPUT = 6000
_REV = re.compile(r"\b([0-9a-f]{7,40}|HEAD(?:~\d+|\^+)?)\b")

Call = tuple[str, dict[str, Any]]  # a git tool's function name and its arguments


def plan_commands(question: str, workspace: Workspace) -> list[Call]:
    """The read-only git tool calls that answer the question."""
    norm = normalize(question)
    calls: list[Call] = []
    if re.search(r"\bblame\b", norm):
        for token in path_tokens(question):
            path = workspace.resolve(token)
            if path.is_file():
                calls.append(("git_blame", {"path": workspace.relative(path)}))
                break
    if re.search(r"\bshow (me )?(the )?(last |latest )?commit\b", norm) or _REV.search(question):
        rev = _REV.search(question)
        calls.append(("git_show", {"revision": rev.group(1) if rev else "HEAD"}))
    if re.search(r"\b(diff|changes?|changed|modified|uncommitted|zmian\w*|anderung\w*|geandert)\b", norm):
        calls.append(("git_diff", {"stat": True}))
        calls.append(("git_diff", {}))
    if re.search(r"\b(branch\w*|galez\w*|zweig\w*)\b", norm):
        calls.append(("git_branches", {}))
    if re.search(r"\b(log|history|commits?|last|latest|recent|historia|ostatni\w*|letzte\w*|verlauf)\b", norm):
        calls.append(("git_log", {"limit": 10}))
    if re.search(r"\b(status|state|stan|zustand)\b", norm) or not calls:
        calls.insert(0, ("git_status", {}))
        if len(calls) == 1:
            calls.append(("git_log", {"limit": 5}))
    return calls


class GitAgent:
    name: ClassVar[str] = "GitAgent"
    tool: ClassVar[str | None] = "git"

    def __init__(self, llm: Llm, workspace: Workspace, tools: ToolInvoker):
        self.llm = llm
        self.workspace = workspace
        self.tools = tools

    async def run(self, run: AgentRun) -> str:
        self.workspace.require()
        sections: list[str] = []
        reported = False
        plan = await asyncio.to_thread(plan_commands, run.question, self.workspace)  # stats files: off the loop
        for name, arguments in plan:
            found = await use_tool(self.tools, run, self.name, name, arguments)
            if found["neutralised"] and not reported:
                reported = True
                tool_event(run, self.name, "git_config", "the repository's config names programs; git runs "
                           "without them", neutralised_keys=found["neutralised"])
            output = str(found["output"])
            shown = output if len(output) <= MAX_OUTPUT else output[:MAX_OUTPUT] + "\n… (truncated)"
            command = str(found["command"])
            tool_event(run, self.name, "git", command, command=command, output_preview=shown[:500],
                       output_chars=len(output))
            sections.append(f"$ {command}\n{shown.rstrip() or '(no output)'}")
        evidence = "\n\n".join(sections)
        summary = await grounded_answer(self.llm, run, "git assistant (read-only repository facts)", evidence)
        tail = f"**Repository output**\n{fenced(evidence, 'text')}"
        run.ctx.stream(tail)
        return summary + tail


PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\bgit\b", STRONG), (r"\b(last|latest|recent) commits?\b", STRONG),
           (r"\bcommit (log|history)\b", STRONG),
           (r"\bbranch(es)?\b", STRONG), (r"\b(git )?blame\b", STRONG), (r"\buncommitted\b", STRONG),
           (r"\bwhat changed in (the )?(repo|repository|last commit)\b", STRONG),
           (r"\bcommits?\b", WEAK), (r"\b(repo|repository)\b", WEAK), (r"\bdiff\b", WEAK)],
    "pl": [(r"\bcommit(y|a|ow|ie)?\b", STRONG), (r"\bgalez\w*\b", STRONG), (r"\bgalezi\b", STRONG),
           (r"\bostatni(ch|e|m)? (zmian|commit)\w*\b", STRONG), (r"\brepozytori\w*\b", WEAK)],
    "de": [(r"\bzweig(e|en)?\b", STRONG), (r"\bletzte(n)? commits?\b", STRONG),
           (r"\bnicht committet\w*\b", STRONG), (r"\brepositor\w*\b", WEAK)],
}


def register_agents(register: Register) -> None:
    register(AgentSpec(
        intent="VERSION_CONTROL", description="questions about the git repository, commits, branches", rank=70,
        factory=lambda d: GitAgent(d.llm, d.workspace, d.invoker), aliases=("git", "platform"), patterns=PATTERNS,
        tool_intent=True,
    ))
