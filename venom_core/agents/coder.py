"""Coder with a Critic review loop (CODE_GENERATION), and the Critic alone (CODE_REVIEW).

The Coder drafts the file as plain streamed text (code is not squeezed through a JSON string),
the Critic reviews it (a real syntax check for Python and JSON, then the model's constrained
verdict), and the Coder repairs it: at most two repair rounds.
The file is written only inside the workspace, by the registry's `workspace_write` tool (a
TOOL_CALL_* event under the tool's policy; the Critic reads a file with `workspace_read`); the
orchestrator has already checked that the autonomy level allows file writes before this agent runs.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from venom_core.agents.base import LINE, AgentRun, Llm, tool_event
from venom_core.agents.markdown import fenced
from venom_core.agents.spec import STRONG, WEAK, AgentSpec, Register
from venom_core.agents.tool_use import use_tool
from venom_core.core.models import TaskFailure
from venom_core.runtimes.base import ChatMessage
from venom_core.tools.invoker import ToolInvoker
from venom_core.tools.workspace import Workspace, path_tokens

MAX_REPAIRS = 2
CODE_EXTENSIONS = frozenset({
    "py", "js", "ts", "tsx", "jsx", "md", "txt", "json", "toml", "yaml", "yml",
    "sh", "html", "css", "rs", "go", "java", "c", "cpp", "h", "sql",
})
REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"approved": {"type": "boolean"},
                   "issues": {"type": "array", "items": LINE, "maxItems": 3}},
    "required": ["approved", "issues"],
}


def target_path(question: str) -> str | None:
    """The file the user named, if any ("write hello.py that ...")."""
    for token in path_tokens(question):
        ext = token.rsplit(".", 1)[-1].lower() if "." in token else ""
        if ext in CODE_EXTENSIONS:
            return token
    return None


def static_issues(path: str, content: str) -> list[str]:
    """Checks that need no model: the file must at least parse."""
    if path.endswith(".py"):
        try:
            compile(content, path, "exec")
        except SyntaxError as exc:
            return [f"Python syntax error at line {exc.lineno}: {exc.msg}"]
    if path.endswith(".json"):
        try:
            json.loads(content)
        except ValueError as exc:
            return [f"Invalid JSON: {exc}"]
    return []


class CoderAgent:
    name: ClassVar[str] = "CoderAgent"
    tool: ClassVar[str | None] = "write_file"

    def __init__(self, llm: Llm, workspace: Workspace, tools: ToolInvoker):
        self.llm = llm
        self.workspace = workspace
        self.tools = tools

    async def run(self, run: AgentRun) -> str:
        named = target_path(run.question)
        rel_target = named or default_name(run.question)
        path = self.workspace.resolve(rel_target)  # refuse an escape before asking the model anything
        draft = await self.draft(run, rel_target, None, [])
        review: dict[str, Any] = {}
        for round_no in range(MAX_REPAIRS + 1):
            review = await self.review(run, rel_target, draft, round_no)
            if review["approved"] or round_no == MAX_REPAIRS:
                break
            run.ctx.trace("Coder", "repair", round=round_no + 1, issues=review["issues"])
            draft = await self.draft(run, rel_target, draft, review["issues"])
        written = await use_tool(self.tools, run, self.name, "workspace_write",
                                 {"path": self.workspace.relative(path), "content": draft})
        rel = str(written["data"]["path"])
        tool_event(run, self.name, "write_file", f"wrote {rel}", path=rel, bytes=written["data"]["bytes"])
        verdict = "approved by the Critic" if review.get("approved") else \
            "written with open Critic issues: " + "; ".join(review.get("issues") or ["none given"])
        lang = rel.rsplit(".", 1)[-1] if "." in rel else ""
        text = f"Wrote `{rel}` in the workspace ({verdict}).\n\n{fenced(draft, lang)}\n"
        run.ctx.stream(text)
        return text

    async def draft(self, run: AgentRun, target: str, previous: str | None, issues: list[str]) -> str:
        messages = [ChatMessage("system", f"You are Venom's Coder. Write the complete file `{target}` for the "
                                          "request. Output only the file content, no explanations."),
                    ChatMessage("user", run.question)]
        if previous is not None:
            messages.append(ChatMessage("assistant", previous))
            messages.append(ChatMessage("user", "The reviewer found these issues; fix them and output the whole "
                                                "file again:\n- " + "\n- ".join(issues)))
        raw = await self.llm.stream(run, messages, run.params(400, answer=False), echo=False)
        content = strip_fences(raw)
        run.ctx.trace("Coder", "draft", path=target, chars=len(content), repair=previous is not None)
        return content

    async def review(self, run: AgentRun, target: str, draft: str, round_no: int) -> dict[str, Any]:
        issues = static_issues(target, draft)
        if not draft.strip():
            issues = ["The file is empty."]
        if issues:
            result = {"approved": False, "issues": issues, "source": "static"}
        else:
            out = await self.llm.json(run, [
                ChatMessage("system", "You are Venom's Critic. Review the file for bugs against the request. "
                                      "Approve it unless there is a concrete bug."),
                ChatMessage("user", f"Request: {run.question}\n\nFile `{target}`:\n{draft[:4000]}"),
            ], REVIEW_SCHEMA, max_tokens=120)
            result = {"approved": bool(out.get("approved")), "issues": [str(i) for i in out.get("issues") or []],
                      "source": "model"}
        run.ctx.trace("Critic", "review", status="ok" if result["approved"] else "changes_requested",
                      round=round_no, **result)
        return result


_FENCE = re.compile(r"```[\w+-]*\n(.*?)(?:```|$)", re.DOTALL)


def strip_fences(text: str) -> str:
    """The code of a markdown-fenced answer (or the answer itself), with a final newline."""
    match = _FENCE.search(text)
    code = match.group(1) if match else text
    code = re.sub(r"</?(pre|code)>", "", code).strip("\n")
    return code + "\n" if code.strip() else ""


def default_name(question: str) -> str:
    """A file name when the user named none: a slug of the request, with an extension from its words."""
    lowered = question.lower()
    ext = next((e for word, e in (("python", "py"), ("javascript", "js"), ("typescript", "ts"), ("bash", "sh"),
                                  ("shell", "sh"), ("html", "html"), ("markdown", "md"), ("json", "json"))
                if word in lowered), "txt")
    slug = "_".join(re.findall(r"[a-z0-9]+", lowered)[:4]) or "snippet"
    return f"generated/{slug}.{ext}"


class CriticAgent:
    """CODE_REVIEW: the Critic reviews a workspace file (or code in the message) and streams its review."""

    name: ClassVar[str] = "CriticAgent"
    tool: ClassVar[str | None] = None

    def __init__(self, llm: Llm, workspace: Workspace, tools: ToolInvoker):
        self.llm = llm
        self.workspace = workspace
        self.tools = tools

    async def run(self, run: AgentRun) -> str:
        code = run.question
        for token in path_tokens(run.question):
            path = self.workspace.resolve(token)
            if path.is_file():
                rel = self.workspace.relative(path)
                found = await use_tool(self.tools, run, self.name, "workspace_read", {"path": rel})
                code = f"File `{rel}`:\n{str(found['text'])[:4000]}"
                tool_event(run, self.name, "read_file", f"read {rel}", path=rel)
                break
        if not code.strip():
            raise TaskFailure("nothing_to_review", "Give me a file name from the workspace or paste the code.",
                              stage="agent")
        messages = [ChatMessage("system", "You are Venom's Critic. Review the code: list concrete bugs and risks, "
                                          "then suggest fixes. Be brief." + run.language_hint()),
                    ChatMessage("user", code)]
        return await self.llm.stream(run, messages, run.params(256))


CODE_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\b(write|create|generate|implement|code) (me )?(a |an |the |some )?(\w+ ){0,3}"
            r"(function|script|class|program|module|code|unit tests?|snippet|file)\b", STRONG),
           (r"\b(fix|refactor) (this|the|my) (code|function|bug|script)\b", STRONG),
           (r"\bcode\b", WEAK)],
    "pl": [(r"\b(napisz|stworz|wygeneruj|zaimplementuj|utworz) (mi )?(\w+ ){0,3}"
            r"(funkcj|skrypt|program|kod|klas|modul|plik|test)\w*\b", STRONG),
           (r"\bkod\w*\b", WEAK), (r"\bfunkcj\w*\b", WEAK)],
    "de": [(r"\b(schreib|erstell|generier|implementier)\w* (mir )?(\w+ ){0,3}"
            r"(funktion|skript|programm|code|klasse|modul|datei|test)\w*\b", STRONG),
           (r"\bcode\b", WEAK), (r"\bfunktion\w*\b", WEAK)],
}


REVIEW_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\bcode review\b", STRONG), (r"\breview (this|my|the) (code|file|function|script|changes)\b", STRONG),
           (r"\breview\b", WEAK)],
    "pl": [(r"\b(przejrzyj|zrecenzuj|ocen) (moj |ten )?(kod|plik)\w*\b", STRONG), (r"\brecenzj\w*\b", WEAK)],
    "de": [(r"\bcode ?review\b", STRONG),
           (r"\b(uberpruf|prufe?|bewerte?)\w* (den |meinen |diesen )?code\b", STRONG)],
}


def register_agents(register: Register) -> None:
    register(AgentSpec(
        intent="CODE_GENERATION", description="write or fix source code into a file", rank=30,
        factory=lambda d: CoderAgent(d.llm, d.workspace, d.invoker), permission="file_write",
        aliases=("compose", "shell"),
        patterns=CODE_PATTERNS, tool_intent=True, lessons=True,
    ))
    register(AgentSpec(
        intent="CODE_REVIEW", description="review existing code", rank=40,
        factory=lambda d: CriticAgent(d.llm, d.workspace, d.invoker), patterns=REVIEW_PATTERNS, lessons=True,
    ))
