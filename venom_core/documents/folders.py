"""Folders of the workspace kept in the document index.

A folder is added by its path inside the workspace; a scan walks it with the hostile-tree rules
of `core/safe_fs.py` (no symlinked folders followed, links out of the workspace skipped, special
files never opened, bounded depth and entries) and brings the index up to date:

- a new file is copied, checked like an upload and queued;
- a file whose size or mtime moved is hashed; only a new hash is read again (same id, so its
  citations keep their document), an equal hash just records the new mtime;
- a file that is gone leaves the index, unless the walk stopped at a limit (then an unseen file
  may still exist, and nothing is removed) or the folder itself is missing (an unmounted disk
  must not empty the index);
- a file that fails a check is listed under `skipped` with the reason, never half-indexed.

One worker runs the scans one at a time (a re-scan asked for while one runs follows it); every
`interval` seconds each folder is scanned again, which is how edits are picked up (0 = only on
demand). The files are read in a worker thread; the event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import uuid
from pathlib import Path, PurePosixPath
from typing import Any

from loguru import logger

from venom_core.core.event_log import EventLog
from venom_core.core.models import EventType
from venom_core.core.safe_fs import UnsafeFile, inside, read_head, real_path, walk
from venom_core.documents.errors import DocumentError
from venom_core.documents.folder_store import EMPTY_COUNTS, FolderStore
from venom_core.documents.formats import KINDS
from venom_core.documents.service import DocumentService, Incoming
from venom_core.storage.sql import SqlStorage

SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".ruff_cache"})
MAX_SKIPPED_SHOWN = 20


@dataclasses.dataclass(frozen=True, slots=True)
class Seen:
    rel: str  # inside the folder, POSIX
    path: Path
    size: int
    mtime_ns: int


@dataclasses.dataclass(frozen=True, slots=True)
class Walked:
    examples: list[tuple[str, str]]  # (reason, path in the folder), a few per reason
    skipped: int
    truncated: bool


def _wanted(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in KINDS and not name.startswith(".")


class FolderSync:
    def __init__(self, service: DocumentService, storage: SqlStorage, log: EventLog, workspace: Path,
                 interval: float, max_files: int):
        self.service = service
        self.store = FolderStore(storage)
        self.log = log
        self.workspace = workspace
        self.interval = interval
        self.max_files = max_files
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        self._deleted: set[str] = set()

    # -- the API's side ---------------------------------------------------------------------
    def resolve(self, path: str) -> tuple[Path, str]:
        """The folder's real path and its path relative to the workspace, or a DocumentError."""
        text = path.strip()
        if not text or any(ord(ch) < 32 for ch in text):
            raise DocumentError(422, "invalid_folder_path", "Give the folder's path inside the workspace, on one line.")
        root = real_path(self.workspace)
        candidate = Path(text) if Path(text).is_absolute() else root / text
        try:
            real = real_path(candidate)
            if not inside(root, real):
                raise DocumentError(422, "folder_outside_workspace",
                                    f"{text} is outside the workspace ({root}); only folders inside it can be indexed.")
            if not real.exists():
                raise DocumentError(404, "folder_not_found", f"There is no folder {text} in the workspace.")
            if not real.is_dir():
                raise DocumentError(422, "not_a_folder", f"{text} is a file, not a folder; upload files instead.")
        except UnsafeFile:
            raise DocumentError(422, "invalid_folder_path", f"{text} is a symlink loop.") from None
        except OSError as exc:  # a name too long for the file system, a folder we may not read...
            raise DocumentError(422, "invalid_folder_path",
                                f"{text[:200]} cannot be used as a folder: {exc.strerror or exc}.") from None
        return real, real.relative_to(root).as_posix()

    async def add(self, path: str) -> dict[str, Any]:
        self.service.check_memory()
        _, rel = await asyncio.to_thread(self.resolve, path)
        existing = await self.store.by_path(rel)
        if existing is not None:
            raise DocumentError(409, "folder_exists", f"The folder {rel} is indexed already (id {existing}).")
        folder_id = uuid.uuid4().hex
        await self.store.add(folder_id, rel)
        self.schedule(folder_id)
        folder = await self.store.get(folder_id)
        assert folder is not None
        return folder

    def schedule(self, folder_id: str) -> None:
        if folder_id not in self._queued:
            self._queued.add(folder_id)
            self._queue.put_nowait(folder_id)

    async def delete(self, folder_id: str) -> int | None:
        """The folder and its documents; the number of documents removed, None if unknown."""
        if await self.store.get(folder_id) is None:
            return None
        self._deleted.add(folder_id)
        await self.store.delete(folder_id)
        return await self._remove_all(folder_id)

    async def _remove_all(self, folder_id: str) -> int:
        docs = await self.service.store.of_folder(folder_id)
        for doc in docs.values():
            await self.service.delete(doc["id"])
        return len(docs)

    # -- the worker ------------------------------------------------------------------------------
    async def run(self) -> None:
        """A background task of the app: every folder once at start (what changed while Venom was
        stopped), then on demand and every `interval` seconds."""
        for folder_id in await self.store.ids():
            self.schedule(folder_id)
        ticker = asyncio.create_task(self._tick()) if self.interval > 0 else None
        try:
            while True:
                folder_id = await self._queue.get()
                self._queued.discard(folder_id)
                try:
                    await self.scan(folder_id)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a bug or a storage fault: the folder shows it
                    logger.opt(exception=exc).error("folder {} failed to sync", folder_id)
                    with contextlib.suppress(Exception):
                        await self.store.set_state(folder_id, "failed", error={
                            "code": "folder_sync_failed", "message": f"{type(exc).__name__}: {exc}"})
        finally:
            if ticker is not None:
                ticker.cancel()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            for folder_id in await self.store.ids():
                self.schedule(folder_id)

    async def scan(self, folder_id: str) -> dict[str, int] | None:
        folder = await self.store.get(folder_id)
        if folder is None:
            return None
        await self.store.set_state(folder_id, "scanning", error=folder["error"])
        self._emit(folder_id, folder["path"], "scanning", folder["counts"])
        try:
            real, _ = await asyncio.to_thread(self.resolve, folder["path"])
        except DocumentError as exc:  # gone or replaced by a link out: keep the index, say why
            await self.store.set_state(folder_id, "failed", error=exc.as_dict(), scanned=True)
            self._emit(folder_id, folder["path"], "failed", folder["counts"], message=exc.message)
            return None
        seen, walked = await asyncio.to_thread(self._walk, real)
        known = await self.service.store.of_folder(folder_id)
        counts = dict(EMPTY_COUNTS, files=len(seen))
        skipped: list[dict[str, Any]] = [{"path": rel, "reason": reason} for reason, rel in walked.examples]
        counts["skipped"] = walked.skipped
        for item in seen:
            if folder_id in self._deleted:
                break
            outcome = await self._sync_file(folder_id, item, known.get(item.rel))
            if isinstance(outcome, DocumentError):
                counts["skipped"] += 1
                skipped.append({"path": item.rel, "reason": outcome.message, "code": outcome.code})
            else:
                counts[outcome] += 1
        if not walked.truncated and folder_id not in self._deleted:
            present = {item.rel for item in seen}
            for rel, doc in known.items():
                if rel not in present:
                    await self.service.delete(doc["id"])
                    counts["removed"] += 1
        if folder_id in self._deleted:
            await self._remove_all(folder_id)  # what the scan added while the folder was deleted
            self._deleted.discard(folder_id)
            return None
        await self.store.set_state(folder_id, "synced", counts=counts, skipped=skipped[:MAX_SKIPPED_SHOWN],
                                   scanned=True)
        self._emit(folder_id, folder["path"], "synced", counts, truncated=walked.truncated)
        return counts

    def _walk(self, real: Path) -> tuple[list[Seen], Walked]:
        root = real_path(self.workspace)
        walked = walk(root, real, limit=self.max_files, skip_dirs=SKIP_DIRS, want=_wanted, skip_hidden_dirs=True)
        seen = []
        for path in walked.files:
            try:
                st = os.stat(path)
            except OSError:
                walked.skip("unreadable entries", path.relative_to(root).as_posix())
                continue
            seen.append(Seen(path.relative_to(real).as_posix(), path, st.st_size, st.st_mtime_ns))
        # The walk names skipped entries from the workspace; the folder's own paths are shown.
        prefix = real.relative_to(root).as_posix()
        examples = [(reason, os.path.relpath(rel, prefix)) for reason, shown in walked.examples.items()
                    for rel in shown]
        return seen, Walked(examples, sum(walked.skipped.values()), walked.truncated)

    async def _sync_file(self, folder_id: str, item: Seen, known: dict[str, Any] | None) -> str | DocumentError:
        """"added", "changed" or "unchanged"; a DocumentError when the file cannot be indexed."""
        if known is not None and known["size"] == item.size and known["mtime_ns"] == item.mtime_ns:
            return "unchanged"
        try:
            doc, copy = await asyncio.to_thread(self._copy_and_check, item)
        except DocumentError as exc:
            if known is not None:  # its old content no longer is the file's
                await self.service.delete(known["id"])
            return exc
        doc = dataclasses.replace(doc, folder_id=folder_id, source_path=item.rel, source_mtime_ns=item.mtime_ns)
        if known is None:
            await self.service.add_checked(doc, copy)
            return "added"
        if known["sha256"] == doc.sha256 and known["status"] != "failed":
            copy.unlink(missing_ok=True)
            await self.service.store.touch_source(known["id"], item.mtime_ns)
            return "unchanged"
        await self.service.refresh_checked(dataclasses.replace(doc, id=known["id"]), copy)
        return "changed"

    def _copy_and_check(self, item: Seen) -> tuple[Any, Path]:
        """A private copy of the file (at most the size limit + 1 bytes read), checked like an upload."""
        limit = self.service.max_bytes
        try:
            head = read_head(real_path(self.workspace), item.path, limit + 1)
        except (UnsafeFile, OSError) as exc:
            raise DocumentError(422, "file_unreadable", f"{item.rel} cannot be read: {exc}") from None
        if head.size > limit:
            raise DocumentError(413, "document_too_large", f"{item.rel} is larger than the limit of {limit} bytes.")
        copy = self.service.temp_file()
        copy.write_bytes(head.data)
        try:
            return self.service.check_file(Incoming(PurePosixPath(item.rel).name, copy, len(head.data))), copy
        except BaseException:
            copy.unlink(missing_ok=True)
            raise

    def _emit(self, folder_id: str, path: str, status: str, counts: dict[str, int], *, message: str = "",
              truncated: bool = False) -> None:
        self.log.append(None, EventType.DOCUMENT_INGEST_PROGRESS, message=message or f"{path}: {status}",
                        agent="documents", data={"folder_id": folder_id, "path": path, "status": status,
                                                 "counts": counts, "truncated": truncated})
