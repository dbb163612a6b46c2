"""Walking and reading a folder whose content may be hostile (the workspace), with bounded work.

The workspace is whatever the user put there, or an archive unpacked into it: a symlink to `.`,
a FIFO named `x.py`, a link to `/dev/zero`, a sparse file of a terabyte. So:

- a walk never follows a symlinked folder (two links to `.` would make the tree infinite) and
  remembers each folder's (device, inode), so a bind mount cannot loop it either; it stops at a
  depth and after a number of entries, whatever the tree looks like;
- a symlinked file counts only if it resolves inside the root and is a regular file;
- FIFOs, sockets and devices are never opened (`lstat` first, then `open` with `O_NONBLOCK`
  and `O_NOFOLLOW` and an `fstat` check, so a swap between the check and the open is caught);
- a read takes at most the bytes asked for, never the whole file.

Everything here blocks on the filesystem: callers on the event loop run it in `asyncio.to_thread`.
Skipped entries are reported, not silently dropped, so the user sees why a file is missing.
"""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

MAX_DEPTH = 32
MAX_ENTRIES = 50_000  # directory entries looked at in one walk
EXAMPLES = 5


class UnsafeFile(OSError):
    """A path that is not a regular file inside the root; `kind` says what it is."""

    def __init__(self, path: Path, kind: str):
        super().__init__(f"{path} is {kind}")
        self.kind = kind


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def inside(root: Path, path: Path) -> bool:
    return path == root or path.is_relative_to(root)


def real_path(path: Path) -> Path:
    """`path` with every symlink resolved; a symlink loop is an `UnsafeFile`, not a RuntimeError."""
    try:
        return path.resolve()
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        raise UnsafeFile(path, "a symlink loop") from None


@dataclass(slots=True)
class Walk:
    files: list[Path] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    examples: dict[str, list[str]] = field(default_factory=dict)  # reason -> a few relative paths
    truncated: bool = False  # stopped at the file limit, the entry budget or the depth

    def skip(self, reason: str, rel: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < EXAMPLES:
            shown.append(rel)

    def note(self) -> str:
        """One line for the user about what the walk left out ("" when nothing)."""
        parts = []
        for reason, count in sorted(self.skipped.items()):
            names = ", ".join(f"`{n}`" for n in self.examples.get(reason, []))
            more = "…" if count > len(self.examples.get(reason, [])) else ""
            parts.append(f"{reason}: {count} ({names}{more})")
        if self.truncated:
            parts.append("the walk stopped at its limit")
        return "Skipped: " + "; ".join(parts) + "." if parts else ""


def walk(root: Path, start: Path, *, limit: int, skip_dirs: Collection[str] = (),
         want: Callable[[str], bool] = lambda _name: True, skip_hidden_dirs: bool = False,
         max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES) -> Walk:
    """Regular files under `start` (inside `root`, both real paths), depth first by name, at most `limit`."""
    out = Walk()
    budget = max_entries
    try:
        first = start.stat()
    except OSError:
        return out
    seen = {(first.st_dev, first.st_ino)}
    stack: list[tuple[Path, int]] = [(start, 0)]
    while stack:
        current, depth = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = sorted(itertools.islice(it, budget + 1), key=lambda e: e.name)
        except OSError:
            out.skip("unreadable folders", _rel(root, current))
            continue
        if len(entries) > budget:
            out.truncated = True
            entries = entries[:budget]
        budget -= len(entries)
        pushed: list[tuple[Path, int]] = []
        for entry in entries:
            path = Path(entry.path)
            rel = _rel(root, path)
            try:
                if entry.is_symlink():
                    _linked(root, path, rel, want, out)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name in skip_dirs or (skip_hidden_dirs and entry.name.startswith(".")):
                        continue
                    st = entry.stat(follow_symlinks=False)
                    if depth + 1 > max_depth:
                        out.truncated = True
                    elif (st.st_dev, st.st_ino) in seen:
                        out.skip("folders seen before", rel)
                    else:
                        seen.add((st.st_dev, st.st_ino))
                        pushed.append((path, depth + 1))
                elif entry.is_file(follow_symlinks=False):
                    if want(entry.name):
                        out.files.append(path)
                elif want(entry.name):
                    out.skip("special files", rel)
            except OSError:
                out.skip("unreadable entries", rel)
            if len(out.files) >= limit:
                out.truncated = True
                return _done(out)
        stack.extend(reversed(pushed))
        if budget <= 0:
            out.truncated = bool(stack) or out.truncated
            break
    return _done(out)


def _linked(root: Path, path: Path, rel: str, want: Callable[[str], bool], out: Walk) -> None:
    try:
        target = real_path(path)
        st = target.stat()
    except OSError:
        if want(path.name):
            out.skip("broken or looping links", rel)
        return
    if stat.S_ISDIR(st.st_mode):
        out.skip("symlinked folders (not followed)", rel)
    elif not want(path.name):
        return
    elif not inside(root, target):
        out.skip("links to outside the workspace", rel)
    elif stat.S_ISREG(st.st_mode):
        out.files.append(path)
    else:
        out.skip("special files", rel)


def _done(out: Walk) -> Walk:
    out.files.sort()
    return out


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class Head:
    data: bytes  # at most the bytes asked for
    size: int  # the whole file's size

    @property
    def truncated(self) -> bool:
        return self.size > len(self.data)


def read_head(root: Path, path: Path, cap: int) -> Head:
    """The first `cap` bytes of the regular file `path`, which must resolve inside `root`.
    Raises `UnsafeFile` (outside, special, loop), FileNotFoundError or another OSError."""
    real = real_path(path)
    if not inside(root, real):
        raise UnsafeFile(path, "a link to outside the workspace")
    st = os.lstat(real)
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFile(path, kind_of(st.st_mode))
    fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between the lstat and the open
            raise UnsafeFile(path, kind_of(st.st_mode))
        chunks: list[bytes] = []
        remaining = cap
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        return Head(data, max(st.st_size, len(data)))
    finally:
        os.close(fd)
