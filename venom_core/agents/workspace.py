"""The workspace jail: every path an agent touches must resolve inside `VENOM_WORKSPACE`.

Paths are resolved with symlinks followed *before* the check, so `../x`, absolute paths and a
symlink pointing outside the workspace are all refused the same way, with a clear error.
"""

from __future__ import annotations

import re
from pathlib import Path

from venom_core.core.models import TaskFailure

MAX_READ_BYTES = 64_000
SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "__pycache__", ".next", ".mypy_cache", ".ruff_cache"})
# A path-like token in a question: has a slash or a file extension ("src/app.py", "README.md", "../x").
PATH_TOKEN = re.compile(r"(?<![\w@])((?:~|\.{1,2})?/?[\w.\-]+(?:/[\w.\-]*)*)")


class Workspace:
    def __init__(self, root: Path):
        self.root = root.expanduser().resolve()

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def require(self) -> None:
        """Tools that read the workspace fail clearly when it does not exist."""
        if not self.root.is_dir():
            raise TaskFailure("workspace_missing", f"The workspace folder {self.root} does not exist.", stage="tool")

    def resolve(self, rel: str) -> Path:
        """The real path of `rel`, or `TaskFailure("path_outside_workspace")`."""
        raw = rel.strip().strip("'\"`")
        candidate = Path(raw).expanduser()
        if not candidate.is_absolute():
            candidate = self.root / candidate
        real = candidate.resolve()
        if real != self.root and not real.is_relative_to(self.root):
            raise TaskFailure(
                "path_outside_workspace",
                f"The path '{raw}' leads outside the workspace ({self.root}); Venom only reads and writes files "
                "inside the workspace.",
                stage="tool",
            )
        return real

    def relative(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        return rel or "."

    def read_text(self, path: Path) -> str:
        if not path.is_file():
            raise TaskFailure("file_not_found", f"There is no file '{self.relative(path)}' in the workspace.",
                              stage="tool")
        data = path.read_bytes()[:MAX_READ_BYTES]
        if b"\x00" in data[:4096]:
            raise TaskFailure("binary_file", f"'{self.relative(path)}' is a binary file; it cannot be shown as text.",
                              stage="tool")
        return data.decode("utf-8", errors="replace")

    def write_text(self, path: Path, content: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Re-check after creating parents: a parent could be a symlink created meanwhile.
        if not path.parent.resolve().is_relative_to(self.root):
            raise TaskFailure("path_outside_workspace", "The target directory leads outside the workspace.",
                              stage="tool")
        path.write_text(content, encoding="utf-8")

    def files(self, start: Path, limit: int = 2000) -> list[Path]:
        out: list[Path] = []
        stack = [start]
        while stack and len(out) < limit:
            current = stack.pop()
            try:
                entries = sorted(current.iterdir(), key=lambda p: p.name)
            except OSError:
                continue
            for entry in entries:
                if entry.name in SKIP_DIRS:
                    continue
                if entry.is_symlink() and not entry.resolve().is_relative_to(self.root):
                    continue  # never follow a link out of the jail
                if entry.is_dir():
                    stack.append(entry)
                elif entry.is_file():
                    out.append(entry)
        return sorted(out)


def path_tokens(text: str) -> list[str]:
    """Candidate paths mentioned in a question, in order (tokens with a '/' or an extension)."""
    out: list[str] = []
    for match in PATH_TOKEN.finditer(text):
        token = match.group(1).rstrip(".,;:!?")
        pathlike = "/" in token or re.search(r"\.[A-Za-z0-9]{1,8}$", token) or token.startswith("..")
        if pathlike and token not in out:
            out.append(token)
    return out
