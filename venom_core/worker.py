"""`venom worker` / `python -m venom_core worker`: a process that runs tasks from the shared queue.

It builds the same services as the API, bottom-up (`build_services`), and starts them the same
way; with no HTTP server, its queue runs the tasks other instances accepted. It needs the shared
queue (`VENOM_QUEUE=postgres`), and runs as `VENOM_ROLE=worker` whatever the environment says.
SIGTERM or SIGINT stops it: tasks in flight go back to the queue for another worker, as a
restart leaves them for recovery in one process.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from loguru import logger
from pydantic import ValidationError

from venom_core.config import Settings
from venom_core.storage import preflight
from venom_core.storage.base import StorageUnavailable


def refuse(message: str) -> int:
    print(f"venom worker: refusing to start: {message}", file=sys.stderr)  # noqa: T201
    return 2


def main() -> int:
    try:
        settings = Settings(VENOM_ROLE="worker")
    except ValidationError as exc:
        return refuse("; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: "
                                f"{e['msg'].removeprefix('Value error, ')}".removeprefix(": ")
                                for e in exc.errors()))
    try:
        preflight.check(settings.database_url, [settings.VENOM_DATA_DIR])
    except StorageUnavailable as exc:
        return refuse(exc.reason)
    asyncio.run(serve(settings))
    return 0


async def serve(settings: Settings) -> None:
    from venom_core.logging_setup import configure_logging, remove_sinks
    from venom_core.main import _secret_values
    from venom_core.services import build_services, start_services, stop_services

    sinks = configure_logging(settings.VENOM_LOG_DIR, secrets=_secret_values(settings))
    services = build_services(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await start_services(services)
    logger.info("Venom worker ready (boot {}): up to {} task(s) at once", services.boot_id,
                settings.MAX_CONCURRENT_TASKS)
    try:
        await stop.wait()
    finally:
        logger.info("Venom worker stopping")
        await stop_services(services)
        remove_sinks(sinks[2:])
        await logger.complete()


if __name__ == "__main__":
    sys.exit(main())
