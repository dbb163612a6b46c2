"""The SDK logs every line a server sends that is not JSON-RPC with a full traceback, at ERROR.

A broken or hostile server could fill Venom's log (and the live event feed) that way. The fault is
already in the server's status (`error`), so these records keep one line, at WARNING, without the
traceback.
"""

from __future__ import annotations

import logging

NOISY = ("mcp.client.stdio", "mcp.shared.jsonrpc_dispatcher", "mcp.client.streamable_http")


class _OneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            exc = record.exc_info[1]
            first = " ".join(str(exc).split())[:200] if exc is not None else ""
            record.msg = f"{record.getMessage()}: {first}" if first else record.getMessage()
            record.args = None
            record.exc_info = record.exc_text = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_FILTER = _OneLine()


def quiet_sdk_tracebacks() -> None:
    """Idempotent: the filter is added once per logger."""
    for name in NOISY:
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)
