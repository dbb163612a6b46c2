"""Tool policies (`allow`, `ask`, `deny`) and the approvals a person gives for `ask` calls.

The default policy comes from the tool's side effect and the autonomy level: reading and the network
(whose level the autonomy gate already checks) are allowed; writing and running commands ask a person,
except that writing is allowed at ROOT, the level of full autonomy. An admin may set a tool's policy,
and an approval with `remember` sets it too; set policies are kept in the settings table.

An `ask` call pauses the task's step: APPROVAL_REQUESTED goes on the task's stream, and the call waits
for `POST /api/v1/tasks/{id}/approvals/{call_id}` or the timeout (= denied). Each request is stored
(settings table) before the event is sent, so a restart keeps it: the re-run task asks for the same
call (same tool and arguments) and finds the stored request, with its id and expiry, and waits on it.
A call above the autonomy level is not asked about: the registry refuses it with how to allow it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from venom_core.core.errors import VenomError
from venom_core.core.models import EventType
from venom_core.orchestrator.autonomy import AutonomyGate
from venom_core.storage.settings_kv import SettingsKV
from venom_core.tools.events import CallEvents
from venom_core.tools.spec import ToolSpec

Policy = Literal["allow", "ask", "deny"]
Decision = Literal["approve", "deny"]
POLICIES: tuple[Policy, ...] = ("allow", "ask", "deny")
POLICY_KEY = "tools.policies"
PENDING_KEY = "tools.approvals"
KEEP_DECIDED = 200  # decided requests kept (a re-run task finds its decision), oldest dropped first
ROOT_LEVEL = 40
# A waiting task writes a trace step this often, so the stall watchdog sees it is alive.
KEEPALIVE_SECONDS = 30.0


class ApprovalError(VenomError):
    status = 400


class ApprovalNotFound(ApprovalError):
    status = 404


class ApprovalDecided(ApprovalError):
    status = 409


@dataclass(slots=True)
class Request:
    call_id: str
    task_id: str
    tool_id: str
    function_name: str
    fingerprint: str  # tool + arguments: how a re-run task finds its request after a restart
    arguments: Any  # masked
    expires_at: float
    decision: Decision | None = None
    by: str | None = None


def default_policy(spec: ToolSpec, level: int) -> Policy:
    if spec.side_effect in ("read", "network"):
        return "allow"
    if spec.side_effect == "write" and level >= ROOT_LEVEL:
        return "allow"
    return "ask"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


class Approvals:
    def __init__(self, storage: SettingsKV, events: CallEvents, autonomy: AutonomyGate, timeout_seconds: float):
        self.storage = storage
        self.events = events  # masks a request's arguments and writes its events, like a call's own
        self.autonomy = autonomy
        self.timeout_seconds = timeout_seconds
        self.policies: dict[str, Policy] = {}
        self.requests: dict[str, Request] = {}
        self._waiters: dict[str, asyncio.Future[Decision]] = {}

    async def load(self) -> None:
        stored = await self.storage.get_setting(POLICY_KEY) or {}
        self.policies = {k: v for k, v in stored.items() if v in POLICIES} if isinstance(stored, dict) else {}
        pending = await self.storage.get_setting(PENDING_KEY) or []
        for row in pending if isinstance(pending, list) else []:
            try:
                req = Request(**row)
            except TypeError:
                continue
            self.requests[req.call_id] = req

    # -- policies ------------------------------------------------------------------------------
    def policy(self, spec: ToolSpec) -> Policy:
        return self.policies.get(spec.id) or default_policy(spec, self.autonomy.level)

    def policy_source(self, spec: ToolSpec) -> Literal["set", "default"]:
        return "set" if spec.id in self.policies else "default"

    async def set_policy(self, tool_id: str, policy: Policy | None) -> None:
        """Set a tool's policy (None: back to the default)."""
        policies = dict(self.policies)
        if policy is None:
            policies.pop(tool_id, None)
        else:
            policies[tool_id] = policy
        await self.storage.set_setting(POLICY_KEY, policies)
        self.policies = policies

    # -- the gate ------------------------------------------------------------------------------
    async def admit(self, task_id: str, spec: ToolSpec, arguments: dict[str, Any], *,
                    requested: bool = False) -> str | None:
        """None = the call may run, else the refusal. `requested`: the person's own request names this
        operation (an agent doing exactly what it was asked), so only a set policy can stop it."""
        # The level this task runs with (an allowed-once grant counts), so a grant never skips a policy.
        if self.autonomy.effective_level < spec.required_level:
            return None  # the registry refuses it, saying which level allows it
        policy = self.policy(spec)
        if policy == "allow" or (requested and spec.id not in self.policies):
            return None
        if policy == "deny":
            return (f"The tool '{spec.function_name}' is not allowed: its policy is 'deny'. An admin can allow it "
                    f"with PUT /api/v1/tools/{spec.id}/policy {{\"policy\": \"allow\"}} or in the Tools screen.")
        req = await self._request(task_id, spec, arguments)
        decision = req.decision or await self._wait(req)
        if decision == "approve":
            return None
        how = "nobody answered in time" if req.by == "timeout" else "a person denied it"
        return f"The call of '{spec.function_name}' was not approved ({how}), so it did not run."

    async def _request(self, task_id: str, spec: ToolSpec, arguments: dict[str, Any]) -> Request:
        fingerprint = hashlib.sha256(json.dumps([spec.id, arguments], sort_keys=True, default=str)
                                     .encode()).hexdigest()[:32]
        for req in self.requests.values():  # the same call asked before a restart
            if req.task_id == task_id and req.fingerprint == fingerprint:
                return req
        req = Request(call_id=f"appr_{uuid.uuid4().hex[:16]}", task_id=task_id, tool_id=spec.id,
                      function_name=spec.function_name, fingerprint=fingerprint,
                      arguments=self.events.masked(arguments), expires_at=time.time() + self.timeout_seconds)
        await self._save(req)  # stored before anyone is told (the route lists only stored ones): a restart keeps it
        self.requests[req.call_id] = req
        self.events.append(task_id, EventType.APPROVAL_REQUESTED, agent="Tools",
                           message=f"tool {spec.function_name} waits for an approval",
                           data={"call_id": req.call_id, "tool_id": spec.id, "function_name": spec.function_name,
                                 "source": spec.source, "side_effect": spec.side_effect,
                                 "arguments": req.arguments, "expires_at": _iso(req.expires_at)})
        return req

    async def _wait(self, req: Request) -> Decision:
        waiter = self._waiters.setdefault(req.call_id, asyncio.get_running_loop().create_future())
        try:
            while not waiter.done():
                left = req.expires_at - time.time()
                if left <= 0:
                    await self._decide(req, "deny", "timeout", remember=False)
                    break
                try:
                    await asyncio.wait_for(asyncio.shield(waiter), min(left, KEEPALIVE_SECONDS))
                except TimeoutError:
                    if not waiter.done() and req.expires_at > time.time():
                        self.events.append(req.task_id, EventType.TRACE_STEP, data={
                            "component": "Approvals", "action": "waiting", "status": "ok",
                            "details": {"call_id": req.call_id, "tool_id": req.tool_id}})
            return waiter.result()
        finally:
            self._waiters.pop(req.call_id, None)

    # -- deciding ------------------------------------------------------------------------------
    def get(self, task_id: str, call_id: str) -> Request:
        req = self.requests.get(call_id)
        if req is None or req.task_id != task_id:
            raise ApprovalNotFound("approval_not_found", f"Task {task_id} has no approval request {call_id}.")
        return req

    async def decide(self, task_id: str, call_id: str, decision: Decision, remember: bool) -> Request:
        req = self.get(task_id, call_id)
        if req.decision is not None:
            raise ApprovalDecided("approval_already_decided",
                                  f"The request {call_id} was already decided: {req.decision} ({req.by}).")
        await self._decide(req, decision, "person", remember)
        return req

    async def _decide(self, req: Request, decision: Decision, by: Literal["person", "timeout"],
                      remember: bool) -> None:
        req.decision, req.by = decision, by
        if remember:
            await self.set_policy(req.tool_id, "allow" if decision == "approve" else "deny")
        await self._save()
        data = {"call_id": req.call_id, "tool_id": req.tool_id, "function_name": req.function_name,
                "decision": decision, "by": by, "remember": remember}
        message = f"tool {req.function_name}: {decision} ({by})"
        try:
            self.events.append(req.task_id, EventType.APPROVAL_DECIDED, agent="Tools", message=message, data=data)
        except KeyError:  # the task ended meanwhile (aborted, interrupted): still on the record, as a system event
            self.events.append(None, EventType.APPROVAL_DECIDED, agent="Tools", message=message, data=data)
        waiter = self._waiters.get(req.call_id)
        if waiter is not None and not waiter.done():
            waiter.set_result(decision)

    async def _save(self, new: Request | None = None) -> None:
        decided = [r for r in self.requests.values() if r.decision is not None]
        for old in decided[: max(0, len(decided) - KEEP_DECIDED)]:
            del self.requests[old.call_id]
        rows = [asdict(r) for r in self.requests.values()] + ([asdict(new)] if new is not None else [])
        await self.storage.set_setting(PENDING_KEY, rows)

    def pending(self, task_id: str | None = None) -> list[Request]:
        return [r for r in self.requests.values()
                if r.decision is None and (task_id is None or r.task_id == task_id)]
