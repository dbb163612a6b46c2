"""The workspace jail: every path an agent touches must resolve inside `VENOM_WORKSPACE`.

Paths are resolved with symlinks followed *before* the check, so `../x`, absolute paths and a
symlink pointing outside the workspace are all refused the same way, with a clear error. Walks
and reads go through `core.safe_fs`: bounded, never into a symlinked folder, never opening a FIFO
or a device, never reading more than is shown. These methods block on the filesystem; agents call
them through `asyncio.to_thread`.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from venom_core.core import safe_fs
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
        try:
            real = safe_fs.real_path(candidate)
        except OSError as exc:
            raise TaskFailure("path_unreadable", f"The path '{raw}' cannot be followed ({exc}).",
                              stage="tool") from None
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

    def read_head(self, path: Path, cap: int = MAX_READ_BYTES) -> safe_fs.Head:
        """The first `cap` bytes of a regular file in the workspace, with a clear error otherwise."""
        rel = self.relative(path) if path.is_relative_to(self.root) else str(path)
        try:
            return safe_fs.read_head(self.root, path, cap)
        except safe_fs.UnsafeFile as exc:
            if exc.kind == "a link to outside the workspace":
                raise TaskFailure("path_outside_workspace", f"'{rel}' leads outside the workspace ({self.root}).",
                                  stage="tool") from None
            raise TaskFailure("not_a_regular_file", f"'{rel}' is {exc.kind}; Venom reads only regular files.",
                              stage="tool") from None
        except (FileNotFoundError, NotADirectoryError):
            raise TaskFailure("file_not_found", f"There is no file '{rel}' in the workspace.", stage="tool") from None
        except OSError as exc:
            raise TaskFailure("file_unreadable", f"'{rel}' cannot be read ({exc.strerror or exc}).",
                              stage="tool") from None

    def read_text(self, path: Path) -> str:
        """At most MAX_READ_BYTES of a text file, decoded; a binary file is refused."""
        return self.text_head(path)[0]

    def text_head(self, path: Path) -> tuple[str, safe_fs.Head]:
        head = self.read_head(path)
        if b"\x00" in head.data[:4096]:
            raise TaskFailure("binary_file", f"'{self.relative(path)}' is a binary file; it cannot be shown as text.",
                              stage="tool")
        return head.data.decode("utf-8", errors="replace"), head

    def write_text(self, path: Path, content: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Re-check after creating parents: a parent could be a symlink created meanwhile.
        if not path.parent.resolve().is_relative_to(self.root):
            raise TaskFailure("path_outside_workspace", "The target directory leads outside the workspace.",
                              stage="tool")
        # O_NONBLOCK: opening a FIFO for writing would wait for a reader forever; it fails at once instead
        # and the fstat check refuses it. O_NOFOLLOW: `path` is a real path, a symlink now is a swap.
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode):
            raise TaskFailure("not_a_regular_file", f"'{self.relative(path)}' is {safe_fs.kind_of(mode)}; "
                              "Venom writes only regular files.", stage="tool")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise TaskFailure("file_unwritable", f"'{self.relative(path)}' cannot be written "
                              f"({exc.strerror or exc}).", stage="tool") from None
        with os.fdopen(fd, "wb") as handle:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise TaskFailure("not_a_regular_file", f"'{self.relative(path)}' is {safe_fs.kind_of(mode)}; "
                                  "Venom writes only regular files.", stage="tool")
            handle.truncate(0)
            handle.write(content.encode("utf-8"))

    def files(self, start: Path, limit: int = 2000) -> safe_fs.Walk:
        """Regular files under `start`, bounded; what was skipped (symlinked folders, FIFOs, links
        out of the jail) is in the result's `note()`."""
        return safe_fs.walk(self.root, start, limit=limit, skip_dirs=SKIP_DIRS)


def path_tokens(text: str) -> list[str]:
    """Candidate paths mentioned in a question, in order (tokens with a '/' or an extension)."""
    out: list[str] = []
    for match in PATH_TOKEN.finditer(text):
        token = match.group(1).rstrip(".,;:!?")
        pathlike = "/" in token or re.search(r"\.[A-Za-z0-9]{1,8}$", token) or token.startswith("..")
        if pathlike and token not in out:
            out.append(token)
    return out
