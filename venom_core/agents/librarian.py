"""Librarian: list, read and search files under the workspace (FILE_OPERATION, KNOWLEDGE_SEARCH, DOCS).

The operation comes from the question: a quoted phrase or "search/find/grep X" searches; a path
that names a file reads it; a path that names a folder lists it; otherwise the workspace root is
listed. Every path goes through the workspace jail first, so an escape is refused before any I/O;
the operation itself is a call of the registry's workspace tool (`workspace_list`, `workspace_read`,
`workspace_search`), so it is a TOOL_CALL_* event under the tool's policy.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, ClassVar

from venom_core.agents.base import AgentRun, Llm, grounded_answer, tool_event
from venom_core.agents.spec import STRONG, WEAK, AgentDeps, AgentSpec, Register
from venom_core.agents.tool_use import use_tool
from venom_core.core.models import TaskFailure
from venom_core.tools.invoker import ToolInvoker
from venom_core.tools.workspace import Workspace, path_tokens

_QUOTED = re.compile(r"[\"'`“„]([^\"'`”]{2,80})[\"'`”]")
_SEARCH = re.compile(r"\b(?:search|find|grep|look) (?:for )?(\S+)|\b(?:szukaj|znajdz|wyszukaj) (\S+)|"
                     r"\b(?:suche?|finde?) (?:nach )?(\S+)", re.IGNORECASE)
_READ_VERB = re.compile(r"\b(read|open|show|cat|list|przeczytaj|otworz|pokaz|lies|zeige?)\b", re.IGNORECASE)
_STOP_TERMS = frozenset({"the", "a", "all", "files", "file", "in", "mentions", "of", "w", "pliki", "nach"})

Call = tuple[str, dict[str, Any]]  # a workspace tool's function name and its arguments


def search_term(question: str) -> str | None:
    quoted = _QUOTED.search(question)
    if quoted:
        return quoted.group(1)
    for match in _SEARCH.finditer(question):
        term = next(g for g in match.groups() if g)
        if term.lower() not in _STOP_TERMS:
            return term.strip(".,;:!?")
    return None


class LibrarianAgent:
    name: ClassVar[str] = "LibrarianAgent"
    tool: ClassVar[str | None] = "files"

    def __init__(self, llm: Llm, workspace: Workspace, tools: ToolInvoker):
        self.llm = llm
        self.workspace = workspace
        self.tools = tools

    async def run(self, run: AgentRun) -> str:
        self.workspace.require()
        # Resolving the paths stats the filesystem (and a hostile workspace can make it slow): off the loop.
        name, arguments = await asyncio.to_thread(self.plan, run.question)
        found = await use_tool(self.tools, run, self.name, name, arguments)
        tool_event(run, self.name, found["tool"], found["message"], **found["data"])
        evidence = str(found["evidence"])
        summary = await grounded_answer(self.llm, run, "librarian (workspace files)", evidence)
        run.ctx.stream(evidence)
        return summary + evidence

    def plan(self, question: str) -> Call:
        """The workspace tool call that answers the question."""
        ws = self.workspace
        tokens = path_tokens(question)
        # Resolve every mentioned path first: any escape attempt is refused before any read.
        resolved = [ws.resolve(t) for t in tokens]
        targets = [t for t in resolved if t.exists()]
        term = search_term(question)
        first = targets[0] if targets else None
        if first is not None and not first.is_dir() and not first.is_file():
            return "workspace_read", {"path": ws.relative(first)}  # refused as `not_a_regular_file`, naming it
        if term and not (first is not None and first.is_file()):
            base = next((t for t in targets if t.is_dir()), ws.root)
            return "workspace_search", {"term": term, "path": ws.relative(base)}
        if first is not None and first.is_file():
            return "workspace_read", {"path": ws.relative(first)}
        if first is not None and first.is_dir():
            return "workspace_list", {"path": ws.relative(first)}
        if tokens and _READ_VERB.search(question):
            raise TaskFailure("file_not_found", f"There is no '{tokens[0]}' in the workspace.", stage="tool")
        return "workspace_list", {"path": "."}


FILE_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\b(list|show|read|open|cat|display) (me )?(the |all |my )?"
            r"(files?|folders?|director(y|ies)|contents? of)\b", STRONG),
           # normalised text has no dots: "read notes.txt" -> "read notes txt"
           (r"\b(read|open|show|display|cat) (the )?(file )?[\w-]+ "
            r"(py|md|txt|json|toml|ya?ml|js|ts|csv|cfg|ini|log)\b", STRONG),
           (r"\b(search|grep|find) .{1,60} in (the |my )?(files|workspace|project|code ?base)\b", STRONG),
           (r"\bwhich files\b", STRONG), (r"\bfiles? in (the )?workspace\b", STRONG),
           (r"\bfiles?\b", WEAK), (r"\bworkspace\b", WEAK), (r"\bdirectory\b", WEAK)],
    "pl": [(r"\b(pokaz|wyswietl|przeczytaj|otworz|wylistuj) (mi )?(wszystkie |moje )?(plik|katalog|folder)\w*\b",
            STRONG),
           (r"\b(znajdz|wyszukaj|szukaj) .{1,60} w (plikach|projekcie|workspace)\b", STRONG),
           (r"\bplik\w*\b", WEAK), (r"\bkatalog\w*\b", WEAK)],
    "de": [(r"\b(zeige?|lies|offne|liste) (mir )?(alle |die |meine )?(datei|ordner|verzeichnis)\w*\b", STRONG),
           (r"\b(suche?|finde?) .{1,60} in (den )?(dateien|projekt|workspace)\b", STRONG),
           (r"\bdatei\w*\b", WEAK), (r"\bordner\w*\b", WEAK), (r"\bverzeichnis\w*\b", WEAK)],
}


KNOWLEDGE_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\b(search|look in) (the )?(docs|documentation|knowledge base|notes)\b", STRONG),
           (r"\bknowledge base\b", STRONG), (r"\bwhere is .{1,40} (defined|documented)\b", STRONG)],
    "pl": [(r"\b(przeszukaj|szukaj w) (dokumentacj|baz\w* wiedzy|notatk)\w*\b", STRONG),
           (r"\bbaz\w* wiedzy\b", STRONG), (r"\bgdzie jest (zdefiniowan|opisan)\w*\b", STRONG)],
    "de": [(r"\b(durchsuche?|suche? in) (der )?(doku|dokumentation|wissensdatenbank|notizen)\w*\b", STRONG),
           (r"\bwissensdatenbank\b", STRONG), (r"\bwo ist .{1,40} (definiert|dokumentiert)\b", STRONG)],
}


def _librarian(d: AgentDeps) -> LibrarianAgent:
    return LibrarianAgent(d.llm, d.workspace, d.invoker)


def register_agents(register: Register) -> None:
    register(AgentSpec(
        intent="KNOWLEDGE_SEARCH", description="search the local docs or knowledge base", rank=10,
        factory=_librarian, patterns=KNOWLEDGE_PATTERNS, tool_intent=True,
    ))
    register(AgentSpec(
        intent="FILE_OPERATION", description="list, read or search files in the workspace", rank=20,
        factory=_librarian, aliases=("file",), patterns=FILE_PATTERNS, tool_intent=True,
    ))
    register(AgentSpec(
        intent="DOCUMENTATION", description="documentation", rank=100, factory=_librarian,
        aliases=("docs", "render"), tool_intent=True,
    ))
