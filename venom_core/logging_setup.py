"""loguru: stderr, `logs/venom.log` (rotated) and a sink mirroring lines to `/ws/events` as SYSTEM_LOG.

Every line passes one patcher that masks secrets before any sink sees it: the configured
secrets themselves (the API token, cloud keys), any `token=` query value (uvicorn logs the
WebSocket handshake path, `?token=` included) and `Bearer` credentials. stdlib loggers (uvicorn)
are routed into loguru, so they are masked by the same patcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from loguru import logger

from venom_core.core.event_log import EventLog
from venom_core.core.models import EventType


class _InterceptHandler(logging.Handler):
    """Route stdlib logging (uvicorn, sqlalchemy) into loguru."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        logger.opt(depth=6, exception=record.exc_info).log(level, record.getMessage())


MASK = "***"
_QUERY_SECRET = re.compile(r"(?i)(\b(?:\w*_)?token=)[^&\s\"';,]+")
_BEARER = re.compile(r"(?i)(\bbearer\s+)[^\s\"',;]+")


class SecretMasker:
    """Masks secrets in log text. Literal secrets shorter than 8 characters are left alone: masking
    every occurrence of a short word would garble logs without protecting anything."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        if "oken=" in text or "OKEN=" in text:
            text = _QUERY_SECRET.sub(rf"\g<1>{MASK}", text)
        if "earer" in text or "EARER" in text:
            text = _BEARER.sub(rf"\g<1>{MASK}", text)
        return text

    def patch(self, record: Any) -> None:
        record["message"] = self(str(record["message"]))


def configure_logging(log_dir: Path, secrets: Iterable[str] = ()) -> list[int]:
    """Install the file and console sinks; returns their ids so the app can remove them."""
    log_dir.mkdir(parents=True, exist_ok=True)
    logger.remove()
    logger.configure(patcher=SecretMasker(secrets).patch)
    ids = [
        logger.add(sys.stderr, level="INFO", format="{time:HH:mm:ss.SSS} | {level: <7} | {message}",
                   backtrace=False, diagnose=False),
        logger.add(log_dir / "venom.log", level="DEBUG", rotation="10 MB", retention="7 days",
                   enqueue=True, backtrace=False, diagnose=False),
    ]
    logging.basicConfig(handlers=[_InterceptHandler()], level=logging.INFO, force=True)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = [_InterceptHandler()]
        logging.getLogger(name).propagate = False
    # No per-request access log: it would repeat every URL (and its query) on stderr and the feed.
    logging.getLogger("uvicorn.access").handlers = []
    logging.getLogger("uvicorn.access").propagate = False
    return ids


def add_event_sink(log: EventLog, loop: asyncio.AbstractEventLoop) -> int:
    """Mirror INFO+ log lines to the event feed. Thread-safe; never recurses into itself."""

    def publish(record: dict[str, Any]) -> None:
        log.append(
            None, EventType.SYSTEM_LOG, message=str(record["message"]), agent=str(record["name"]),
            data={"level": record["level"].name}, persist=False,
        )

    def sink(message: Any) -> None:
        record = message.record
        if record["extra"].get("no_ws"):
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            publish(record)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(publish, record)

    return logger.add(sink, level="INFO", format="{message}")


def remove_sinks(ids: Iterable[int]) -> None:
    """Remove the sinks an app added. A later app in the same process (the in-process test tier
    runs several) may have reset the logger already, so a sink that is gone is not an error."""
    for sid in ids:
        with contextlib.suppress(ValueError):
            logger.remove(sid)
