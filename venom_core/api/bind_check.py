"""Which addresses this process really listens on.

`python -m venom_core` refuses a non-loopback VENOM_HOST without a token, but `uvicorn
venom_core.main:app --host 0.0.0.0` (or `--fd`, or a process manager) never tells the app where
it is bound, and uvicorn binds only after the lifespan start-up. So the edge asks the kernel, on
the first request, through psutil (already a dependency): every listening inet socket of this
process. A connection's own `scope["server"]` is not enough: on a 0.0.0.0 bind a call through
127.0.0.1 shows 127.0.0.1.
"""

from __future__ import annotations

import psutil

from venom_core.config import is_loopback_host


def exposed_listen_addresses() -> list[str] | None:
    """`host:port` of each listening TCP socket of this process that is not on loopback; None when
    the kernel will not say (then the caller can only warn)."""
    try:
        conns = psutil.Process().net_connections(kind="inet")
    except (psutil.Error, OSError):
        return None
    out = []
    for c in conns:
        if c.status == psutil.CONN_LISTEN and c.laddr and not is_loopback_host(str(c.laddr.ip)):
            out.append(f"{c.laddr.ip}:{c.laddr.port}")
    return sorted(set(out))
