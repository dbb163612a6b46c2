"""`python -m venom_core`: run the API with uvicorn on VENOM_HOST:VENOM_PORT (safe defaults enforced)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import ValidationError

from venom_core import lifecycle
from venom_core.config import Settings
from venom_core.storage import preflight
from venom_core.storage.base import StorageUnavailable


def main() -> int:
    if sys.argv[1:2] == ["worker"]:  # a task worker for the shared queue, no HTTP (venom_core/worker.py)
        from venom_core import worker

        return worker.main()
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()))
            msg = err["msg"].removeprefix("Value error, ")
            print(f"venom: refusing to start: {f'{where}: ' if where else ''}{msg}", file=sys.stderr)  # noqa: T201
        return 2
    try:
        preflight.check(settings.database_url, [settings.VENOM_DATA_DIR])
    except StorageUnavailable as exc:
        print(f"venom: refusing to start: {exc.reason}", file=sys.stderr)  # noqa: T201
        return 2
    reload = "--reload" in sys.argv
    options: dict[str, Any] = {
        "host": settings.VENOM_HOST, "port": settings.VENOM_PORT, "server_header": False, "log_config": None,
        "timeout_graceful_shutdown": 5,
        # Forwarding headers are judged by the app (VENOM_TRUSTED_PROXIES), not by uvicorn.
        "proxy_headers": False,
    }
    package = Path(__file__).resolve().parent
    if reload:
        # The reloader's worker restarts (POST /api/v1/system/restart) by rewriting a watched file.
        os.environ[lifecycle.RELOAD_ENV] = str(package / "__init__.py")
        # Only the code is watched: by default the reloader walks the whole working directory,
        # .venv and data included, and on a busy machine its watches were not all in place when
        # the first edit came, which was then never seen.
        uvicorn.run("venom_core.main:app", reload=True, reload_dirs=[str(package)], **options)
        return 0
    server = uvicorn.Server(uvicorn.Config("venom_core.main:app", **options))
    lifecycle.install(server)  # a restart stops this server, then execs the same command
    server.run()
    if not server.started:
        return 3  # uvicorn's own exit code for a failed start-up
    lifecycle.exec_if_requested()
    return 0


if __name__ == "__main__":
    sys.exit(main())
