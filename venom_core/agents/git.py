"""Git: read-only answers about the workspace repository, from real `git` output.

Which commands run is decided from the question (status, log, diff, show, blame, branches);
`git_runner.GitRunner` runs them so that the repository's own configuration can never make git
run a program. The model then summarises the output; the output itself is part of the answer,
so the answer is grounded even when the model is small or absent.
"""

from __future__ import annotations

import asyncio
import re
from typing import ClassVar

from venom_core.agents.base import AgentRun, Llm, grounded_answer, tool_event
from venom_core.agents.git_runner import GitRunner
from venom_core.agents.markdown import fenced
from venom_core.agents.spec import STRONG, WEAK, AgentSpec, Register
from venom_core.agents.workspace import Workspace, path_tokens
from venom_core.core.text import normalize

MAX_OUTPUT = 6000
_REV = re.compile(r"\b([0-9a-f]{7,40}|HEAD(?:~\d+|\^+)?)\b")


def plan_commands(question: str, workspace: Workspace) -> list[list[str]]:
    """The read-only git commands that answer the question."""
    norm = normalize(question)
    cmds: list[list[str]] = []
    if re.search(r"\bblame\b", norm):
        for token in path_tokens(question):
            path = workspace.resolve(token)
            if path.is_file():
                cmds.append(["blame", "--date=short", "--", workspace.relative(path)])
                break
    if re.search(r"\bshow (me )?(the )?(last |latest )?commit\b", norm) or _REV.search(question):
        rev = _REV.search(question)
        cmds.append(["show", "--stat", "--format=medium", rev.group(1) if rev else "HEAD"])
    if re.search(r"\b(diff|changes?|changed|modified|uncommitted|zmian\w*|anderung\w*|geandert)\b", norm):
        cmds.append(["diff", "HEAD", "--stat"])
        cmds.append(["diff", "HEAD"])
    if re.search(r"\b(branch\w*|galez\w*|zweig\w*)\b", norm):
        cmds.append(["branch", "-a", "-vv", "--no-color"])
    if re.search(r"\b(log|history|commits?|last|latest|recent|historia|ostatni\w*|letzte\w*|verlauf)\b", norm):
        cmds.append(["log", "-n", "10", "--date=short", "--format=%h %ad %an %s"])
    if re.search(r"\b(status|state|stan|zustand)\b", norm) or not cmds:
        cmds.insert(0, ["status", "--short", "--branch"])
        if len(cmds) == 1:
            cmds.append(["log", "-n", "5", "--date=short", "--format=%h %ad %an %s"])
    return cmds


class GitAgent:
    name: ClassVar[str] = "GitAgent"
    tool: ClassVar[str | None] = "git"

    def __init__(self, llm: Llm, workspace: Workspace):
        self.llm = llm
        self.workspace = workspace

    async def run(self, run: AgentRun) -> str:
        self.workspace.require()
        runner = GitRunner(self.workspace.root)
        neutralised = await runner.prepare()
        if neutralised:
            tool_event(run, self.name, "git_config", "the repository's config names programs; git runs without them",
                       neutralised_keys=neutralised[:50])
        sections: list[str] = []
        plan = await asyncio.to_thread(plan_commands, run.question, self.workspace)  # stats files: off the loop
        for args in plan:
            output = await runner.run(args)
            shown = output if len(output) <= MAX_OUTPUT else output[:MAX_OUTPUT] + "\n… (truncated)"
            command = "git " + " ".join(args)
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
        factory=lambda d: GitAgent(d.llm, d.workspace), aliases=("git", "platform"), patterns=PATTERNS,
        tool_intent=True,
    ))
