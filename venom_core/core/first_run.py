"""First start: the workspace folder (VENOM_WORKSPACE) exists before the first tool needs it.

The file and git tools read only inside the workspace and refuse to run when it is missing, so a
fresh install would fail its first `/file list`. Creating the folder at start-up (never anything
inside it) fixes that; its location is shown in `/api/v1/system/status` so a person can find it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loguru import logger


def ensure_workspace(path: Path) -> None:
    """Create the workspace folder if it is missing; a failure is logged, not fatal (tools then say why)."""
    root = path.expanduser()
    if root.is_dir():
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
        logger.info("Created the workspace folder {} (VENOM_WORKSPACE)", root.resolve())
    except OSError as exc:
        logger.warning("The workspace folder {} could not be created ({}); file and git tools will refuse to run "
                       "until it exists. Set VENOM_WORKSPACE to a folder Venom may use.", root, exc)


def workspace_info(path: Path) -> dict[str, Any]:
    root = path.expanduser().resolve()
    return {"path": str(root), "exists": root.is_dir()}
