"""Recent runtime changes, read from the audit trail (every admin action is recorded there, see
core.audit): the last runtime switch of `/llm-servers/active` and the rows of `/runtime/history`."""

from __future__ import annotations

from typing import Any

from venom_core.core import audit
from venom_core.services import Services

SCAN = 200  # the newest audit entries looked at; runtime changes are a small share of admin actions

# Audit actions (`<route tag>.<route name>`) that change what serves the model.
RUNTIME_ACTIONS = frozenset({
    "llm.set_active_runtime", "llm-servers.set_active_server", "llm-servers.server_action",
    "models.switch_model", "models.install_model", "system.set_cost_mode",
})
SWITCHES = frozenset({"llm.set_active_runtime", "llm-servers.set_active_server", "models.switch_model"})


async def runtime_changes(services: Services, limit: int, actions: frozenset[str] = RUNTIME_ACTIONS) -> list[
        dict[str, Any]]:
    """Audit entries of runtime changes, newest first (refused attempts included)."""
    page = await audit.page(services.log, services.storage, limit=SCAN)
    return [e for e in page.items if e["action"] in actions][:limit]


async def last_switch(services: Services) -> dict[str, Any] | None:
    done = [e for e in await runtime_changes(services, 20, SWITCHES) if e["outcome"] == "success"]
    if not done:
        return None
    body = (done[0].get("details") or {}).get("body") or {}
    runtime = body.get("provider") or body.get("server_name") if isinstance(body, dict) else None
    return {"event": done[0]["action"], "source": done[0]["actor"]["kind"], "runtime": runtime,
            "model": body.get("model") if isinstance(body, dict) else None, "from_runtime": None,
            "at_utc": done[0]["timestamp"]}
