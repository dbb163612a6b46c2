"""`/api/v1/system/storage`: how much disk Venom's folders take, measured off the event loop and
cached (a walk over a large workspace or model folder takes seconds, the settings screen polls)."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from datetime import datetime
from pathlib import Path

from venom_core.api.schemas_system import DiskUsage, StorageItem, StorageReport
from venom_core.config import Settings
from venom_core.runtimes.plugins.embedded import models_dir

CACHE_SECONDS = 600.0
MAX_ENTRIES = 200_000  # a walk stops here: a figure for a huge folder is a lower bound, never a hang

_cache: dict[str, tuple[float, StorageReport]] = {}
_lock = asyncio.Lock()


def _size(path: Path) -> int:
    """Bytes under `path` (files only, symlinks not followed)."""
    if path.is_file():
        return path.stat().st_size
    total, seen = 0, 0
    stack = [str(path)]
    while stack and seen < MAX_ENTRIES:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    seen += 1
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            total += entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        continue
        except OSError:
            continue
    return total


def _disk(path: Path) -> DiskUsage:
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    return DiskUsage(total_bytes=usage.total, used_bytes=usage.used, free_bytes=usage.free, mount=str(probe))


def _folders(s: Settings) -> list[tuple[str, Path, str]]:
    data = s.VENOM_DATA_DIR.expanduser().resolve()
    return [
        ("data", data, "data"),
        ("llm_models", models_dir(s).expanduser().resolve(), "models"),
        ("memory", data / "memory", "data"),
        ("documents", data / "documents", "data"),
        ("logs", s.VENOM_LOG_DIR.expanduser().resolve(), "logs"),
        ("workspace", s.VENOM_WORKSPACE.expanduser().resolve(), "code"),
    ]


def measure(s: Settings) -> StorageReport:
    items = [StorageItem(name=name, path=str(path), size_bytes=_size(path), kind=kind)
             for name, path, kind in _folders(s) if path.exists()]
    items.sort(key=lambda i: i.size_bytes, reverse=True)
    return StorageReport(refreshed_at=datetime.now().astimezone().isoformat(), disk=_disk(s.VENOM_DATA_DIR.resolve()),
                         disk_root=_disk(Path(os.path.abspath(os.sep))), items=items)


async def storage_report(s: Settings, *, force: bool = False) -> StorageReport:
    key = str(s.VENOM_DATA_DIR.resolve())
    async with _lock:  # one walk at a time; callers that waited get its result
        cached = _cache.get(key)
        if cached and not force and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        report = await asyncio.to_thread(measure, s)
        _cache[key] = (time.monotonic(), report)
        return report
