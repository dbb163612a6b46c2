"""Librarian: list, read and search files under the workspace (FILE_OPERATION, KNOWLEDGE_SEARCH, DOCS).

The operation comes from the question: a quoted phrase or "search/find/grep X" searches; a path
that names a file reads it; a path that names a folder lists it; otherwise the workspace root is
listed. Every path goes through the workspace jail first, so an escape is refused before any I/O.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from venom_core.agents.base import AgentRun, Llm, grounded_answer, tool_event
from venom_core.agents.markdown import fenced
from venom_core.agents.spec import STRONG, WEAK, AgentDeps, AgentSpec, Register
from venom_core.agents.workspace import Workspace, path_tokens
from venom_core.core import safe_fs
from venom_core.core.models import TaskFailure

MAX_LIST = 200
MAX_HITS = 50
MAX_SEARCH_BYTES = 1_000_000  # larger files are not searched
MAX_SEARCH_TOTAL = 50_000_000  # bytes read by one search
_QUOTED = re.compile(r"[\"'`“„]([^\"'`”]{2,80})[\"'`”]")
_SEARCH = re.compile(r"\b(?:search|find|grep|look) (?:for )?(\S+)|\b(?:szukaj|znajdz|wyszukaj) (\S+)|"
                     r"\b(?:suche?|finde?) (?:nach )?(\S+)", re.IGNORECASE)
_READ_VERB = re.compile(r"\b(read|open|show|cat|list|przeczytaj|otworz|pokaz|lies|zeige?)\b", re.IGNORECASE)
_STOP_TERMS = frozenset({"the", "a", "all", "files", "file", "in", "mentions", "of", "w", "pliki", "nach"})


def search_term(question: str) -> str | None:
    quoted = _QUOTED.search(question)
    if quoted:
        return quoted.group(1)
    for match in _SEARCH.finditer(question):
        term = next(g for g in match.groups() if g)
        if term.lower() not in _STOP_TERMS:
            return term.strip(".,;:!?")
    return None


@dataclass(slots=True)
class _Result:
    """What a filesystem operation found (computed off the loop) and the tool event that reports it."""

    evidence: str
    tool: str
    message: str
    data: dict[str, Any]


class LibrarianAgent:
    name: ClassVar[str] = "LibrarianAgent"
    tool: ClassVar[str | None] = "files"

    def __init__(self, llm: Llm, workspace: Workspace):
        self.llm = llm
        self.workspace = workspace

    async def run(self, run: AgentRun) -> str:
        self.workspace.require()
        # Every filesystem step blocks (and a hostile workspace can make it slow): off the event loop.
        result = await asyncio.to_thread(self.answer, run.question)
        tool_event(run, self.name, result.tool, result.message, **result.data)
        summary = await grounded_answer(self.llm, run, "librarian (workspace files)", result.evidence)
        run.ctx.stream(result.evidence)
        return summary + result.evidence

    def answer(self, question: str) -> _Result:
        tokens = path_tokens(question)
        # Resolve every mentioned path first: any escape attempt is refused before any read.
        resolved = [self.workspace.resolve(t) for t in tokens]
        targets = [t for t in resolved if t.exists()]
        term = search_term(question)
        first = targets[0] if targets else None
        if first is not None and not first.is_dir() and not first.is_file():
            self.workspace.read_head(first)  # raises `not_a_regular_file`, naming what it is
        if term and not (first is not None and first.is_file()):
            base = next((t for t in targets if t.is_dir()), self.workspace.root)
            return self.search(base, term)
        if first is not None and first.is_file():
            return self.read(first)
        if first is not None and first.is_dir():
            return self.list(first)
        if tokens and _READ_VERB.search(question):
            raise TaskFailure("file_not_found", f"There is no '{tokens[0]}' in the workspace.", stage="tool")
        return self.list(self.workspace.root)

    def list(self, folder: Path) -> _Result:
        walk = self.workspace.files(folder, limit=MAX_LIST)
        rel = [self.workspace.relative(f) for f in walk.files]
        where = self.workspace.relative(folder)
        body = "\n".join(f"- `{r}`" for r in rel) or "(the folder is empty)"
        note = f"\n_{walk.note()}_\n" if walk.note() else ""
        return _Result(f"**Files in `{where}`** ({len(rel)})\n{body}\n{note}", "list_files", f"list {where}",
                       {"path": where, "count": len(rel), "skipped": walk.skipped, "truncated": walk.truncated})

    def read(self, path: Path) -> _Result:
        text, head = self.workspace.text_head(path)
        rel = self.workspace.relative(path)
        note = f"\n_(showing the first {len(head.data):,} of {head.size:,} bytes)_\n" if head.truncated else ""
        return _Result(f"**`{rel}`**\n{fenced(text)}\n{note}", "read_file", f"read {rel}",
                       {"path": rel, "chars": len(text), "size": head.size, "truncated": head.truncated})

    def search(self, base: Path, term: str) -> _Result:
        needle = term.lower()
        hits: list[str] = []
        walk = self.workspace.files(base)
        budget = MAX_SEARCH_TOTAL
        for path in walk.files:
            if len(hits) >= MAX_HITS or budget <= 0:
                break
            try:
                head = safe_fs.read_head(self.workspace.root, path, MAX_SEARCH_BYTES)
            except OSError:
                continue
            budget -= len(head.data)
            if head.truncated or b"\x00" in head.data[:4096]:
                continue  # too big to search, or binary
            for lineno, line in enumerate(head.data.decode("utf-8", errors="replace").splitlines(), 1):
                if needle in line.lower():
                    hits.append(f"- `{self.workspace.relative(path)}:{lineno}`: {line.strip()[:160]}")
                    if len(hits) >= MAX_HITS:
                        break
        body = "\n".join(hits) or "(no matches)"
        note = f"\n_{walk.note()}_\n" if walk.note() else ""
        evidence = f"**Search for `{term}`** ({len(hits)} match{'es' if len(hits) != 1 else ''})\n{body}\n{note}"
        return _Result(evidence, "search_files", f"search '{term}'",
                       {"term": term, "path": self.workspace.relative(base), "hits": len(hits),
                        "skipped": walk.skipped})


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
    return LibrarianAgent(d.llm, d.workspace)


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
