"""`python -m venom_core`: run the API with uvicorn on VENOM_HOST:VENOM_PORT (safe defaults enforced)."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from venom_core.config import Settings
from venom_core.storage import preflight
from venom_core.storage.base import StorageUnavailable


def main() -> int:
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
    uvicorn.run(
        "venom_core.main:app", host=settings.VENOM_HOST, port=settings.VENOM_PORT, reload=reload,
        # Only the code is watched: by default the reloader walks the whole working directory,
        # .venv and data included, and on a busy machine its watches were not all in place when
        # the first edit came, which was then never seen.
        reload_dirs=[str(Path(__file__).resolve().parent)] if reload else None,
        server_header=False, log_config=None, timeout_graceful_shutdown=5,
        # Forwarding headers are judged by the app (VENOM_TRUSTED_PROXIES), not by uvicorn.
        proxy_headers=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
