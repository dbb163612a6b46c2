"""Librarian: list, read and search files under the workspace (FILE_OPERATION, KNOWLEDGE_SEARCH, DOCS).

The operation comes from the question: a quoted phrase or "search/find/grep X" searches; a path
that names a file reads it; a path that names a folder lists it; otherwise the workspace root is
listed. Every path goes through the workspace jail first, so an escape is refused before any I/O.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from venom_core.agents.base import AgentRun, Llm, grounded_answer, tool_event
from venom_core.agents.workspace import Workspace, path_tokens
from venom_core.core.models import TaskFailure

MAX_LIST = 200
MAX_HITS = 50
MAX_SEARCH_BYTES = 1_000_000
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


class LibrarianAgent:
    name: ClassVar[str] = "LibrarianAgent"
    permission: ClassVar[str] = "local_read"
    tool: ClassVar[str | None] = "files"

    def __init__(self, llm: Llm, workspace: Workspace):
        self.llm = llm
        self.workspace = workspace

    async def run(self, run: AgentRun) -> str:
        self.workspace.require()
        question = run.question
        tokens = path_tokens(question)
        # Resolve every mentioned path first: any escape attempt is refused before any read.
        resolved = [self.workspace.resolve(t) for t in tokens]
        targets = [t for t in resolved if t.exists()]
        term = search_term(question)
        if term and not (targets and targets[0].is_file()):
            base = next((t for t in targets if t.is_dir()), self.workspace.root)
            evidence = self.search(run, base, term)
        elif targets and targets[0].is_file():
            evidence = self.read(run, targets[0])
        elif targets and targets[0].is_dir():
            evidence = self.list(run, targets[0])
        elif tokens and _READ_VERB.search(question):
            raise TaskFailure("file_not_found", f"There is no '{tokens[0]}' in the workspace.", stage="tool")
        else:
            evidence = self.list(run, self.workspace.root)
        summary = await grounded_answer(self.llm, run, "librarian (workspace files)", evidence)
        run.ctx.stream(evidence)
        return summary + evidence

    def list(self, run: AgentRun, folder: Path) -> str:
        files = self.workspace.files(folder, limit=MAX_LIST)
        rel = [self.workspace.relative(f) for f in files]
        tool_event(run, self.name, "list_files", f"list {self.workspace.relative(folder)}",
                   path=self.workspace.relative(folder), count=len(rel))
        body = "\n".join(f"- `{r}`" for r in rel) or "(the folder is empty)"
        return f"**Files in `{self.workspace.relative(folder)}`** ({len(rel)})\n{body}\n"

    def read(self, run: AgentRun, path: Path) -> str:
        text = self.workspace.read_text(path)
        rel = self.workspace.relative(path)
        tool_event(run, self.name, "read_file", f"read {rel}", path=rel, chars=len(text))
        return f"**`{rel}`**\n```\n{text}\n```\n"

    def search(self, run: AgentRun, base: Path, term: str) -> str:
        needle = term.lower()
        hits: list[str] = []
        for path in self.workspace.files(base):
            if len(hits) >= MAX_HITS:
                break
            try:
                if path.stat().st_size > MAX_SEARCH_BYTES:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if b"\x00" in data[:4096]:
                continue
            for lineno, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
                if needle in line.lower():
                    hits.append(f"- `{self.workspace.relative(path)}:{lineno}`: {line.strip()[:160]}")
                    if len(hits) >= MAX_HITS:
                        break
        tool_event(run, self.name, "search_files", f"search '{term}'", term=term,
                   path=self.workspace.relative(base), hits=len(hits))
        body = "\n".join(hits) or "(no matches)"
        return f"**Search for `{term}`** ({len(hits)} match{'es' if len(hits) != 1 else ''})\n{body}\n"
