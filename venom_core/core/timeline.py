"""A task's timeline: its events folded into nested spans with a start and a duration.

Derived from the same events as the trace (`core/trace.py`); nothing is recorded for it alone.
The boundaries are the events the pipeline already writes in order: queued until TASK_STARTED,
routing until the orchestrator states the intent (AGENT_THOUGHT), context assembly until it
records what it used (`context_used`), then the agent until its AGENT_ACTION. Inside those, a
model call runs from `LLM/request_sent` to `completed` (or a failure), with its first token in
between; a tool call from TOOL_CALL_STARTED to its end; a plan step from PLAN_STEP_STARTED to
PLAN_STEP_COMPLETED, with the sub-task's own spans nested under it.

Every offset is milliseconds from the task's TASK_CREATED, so a sub-task's spans line up with its
parent's. A span still open when the events end is `running` and ends at the last event.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from venom_core.core.masking import MASK, is_secret_name, mask_text
from venom_core.core.models import TERMINAL_EVENTS, Event, EventType

VALUE_CHARS = 2000  # a detail's text is bounded: the drawer is for reading, not for whole files


class SpanKind(enum.StrEnum):
    TASK = "task"
    QUEUE = "queue"
    ROUTING = "routing"
    CONTEXT = "context"
    AGENT = "agent"
    MODEL_CALL = "model_call"
    TOOL_CALL = "tool_call"
    APPROVAL = "approval"
    SUBTASK = "subtask"


class SpanStatus(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    RUNNING = "running"


class TimelineSpan(BaseModel):
    id: str = Field(description="Stable within the timeline; a sub-task's spans are prefixed with its id.")
    parent_id: str | None = Field(description="The enclosing span; null only for the task itself.")
    kind: SpanKind
    name: str
    start_ms: float = Field(description="Milliseconds from the task's creation.")
    duration_ms: float
    ttft_ms: float | None = Field(default=None, description="Model calls: milliseconds to the first token.")
    status: SpanStatus
    details: dict[str, Any] = Field(default_factory=dict, description="The span's facts, secrets masked.")


class TaskTimeline(BaseModel):
    task_id: str
    status: str
    duration_ms: float = Field(description="From creation to the last event.")
    spans: list[TimelineSpan] = Field(description="Parents before their children, each level by start.")


def _ms(t0: datetime, ts: datetime) -> float:
    return round((ts - t0).total_seconds() * 1000, 3)


def masked(value: Any, key: str = "") -> Any:
    """A detail as the timeline shows it: secret-named text masked, every text bounded and scrubbed."""
    if isinstance(value, dict):
        return {str(k): masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(v) for v in value]
    if isinstance(value, str):
        if key and is_secret_name(key):
            return MASK
        text = value if len(value) <= VALUE_CHARS else value[:VALUE_CHARS] + "…"
        return mask_text(text)
    return value


class _Builder:
    def __init__(self, events: Sequence[Event], t0: datetime):
        self.events = events
        self.t0 = t0
        self.end = events[-1].timestamp if events else t0
        self.spans: list[TimelineSpan] = []
        self.containers: list[TimelineSpan] = []  # routing, context, agent: what a call may sit in

    def add(self, sid: str, kind: SpanKind, name: str, start: datetime, end: datetime | None,
            status: SpanStatus, details: dict[str, Any], *, parent: str | None = "task",
            ttft_ms: float | None = None, duration_ms: float | None = None) -> TimelineSpan:
        if end is None:
            status, end = SpanStatus.RUNNING, self.end
        duration = duration_ms if duration_ms is not None else _ms(start, end)
        span = TimelineSpan(id=sid, parent_id=parent, kind=kind, name=name, start_ms=_ms(self.t0, start),
                            duration_ms=max(0.0, round(duration, 3)), ttft_ms=ttft_ms, status=status,
                            details=masked(details))
        self.spans.append(span)
        return span

    def parent_of(self, at: datetime) -> str:
        """The innermost container open at `at` (the agent, routing or context), else the task."""
        offset = _ms(self.t0, at)
        for span in reversed(self.containers):
            if span.start_ms <= offset <= span.start_ms + span.duration_ms:
                return span.id
        return "task"


def _first(events: Sequence[Event], type_: str, after: int = 0) -> Event | None:
    return next((e for e in events if e.type == type_ and e.seq > after), None)


def _step(ev: Event, component: str, *actions: str) -> bool:
    return (ev.type == EventType.TRACE_STEP and ev.data.get("component") == component
            and (not actions or ev.data.get("action") in actions))


def _phases(b: _Builder, events: Sequence[Event], terminal: Event | None) -> None:
    """Queue, routing, context and agent: one after the other, from the pipeline's own events."""
    created, started = events[0], _first(events, EventType.TASK_STARTED)
    queued = _first(events, EventType.TASK_QUEUED)
    b.add("queue", SpanKind.QUEUE, "queue", created.timestamp, started.timestamp if started else None,
          SpanStatus.OK, dict(queued.data) if queued else {})
    if started is None:
        return
    thought = _first(events, EventType.AGENT_THOUGHT, started.seq)
    gates = [e for e in events if (_step(e, "DecisionGate") or _step(e, "Autonomy"))
             and (thought is None or e.seq < thought.seq)]
    route_end = thought or (gates[-1] if gates else None)
    if route_end is not None:
        decided: dict[str, Any] = {}
        for gate in gates:
            decided.update(gate.data.get("details") or {})
        decided["decisions"] = [str(g.data.get("action")) for g in gates]
        if thought is not None:
            decided.update({k: v for k, v in thought.data.items() if v is not None})
        blocked = any(g.data.get("status") == "blocked" for g in gates)
        b.containers.append(b.add("routing", SpanKind.ROUTING, str(decided.get("intent") or "routing"),
                                  started.timestamp, route_end.timestamp,
                                  SpanStatus.ERROR if blocked else SpanStatus.OK, decided))
    if thought is None:
        return
    used = next((e for e in events if e.seq > thought.seq and _step(e, "Context")
                 and "context_used" in (e.data.get("context") or {})), None)
    agent_start = thought.timestamp
    if used is not None:
        details = dict((used.data.get("context") or {})["context_used"])
        for e in events:
            if thought.seq < e.seq < used.seq and e.type == EventType.TRACE_STEP \
                    and e.data.get("component") in ("Retrieval", "Memory"):
                details[f"{str(e.data.get('component')).lower()}_{e.data.get('action')}"] = \
                    {"status": e.data.get("status"), **(e.data.get("details") or {})}
        b.containers.append(b.add("context", SpanKind.CONTEXT, "context", thought.timestamp, used.timestamp,
                                  SpanStatus.OK, details))
        agent_start = used.timestamp
    action = _first(events, EventType.AGENT_ACTION, thought.seq)
    end = action or terminal
    agent = str(thought.data.get("target_agent") or thought.data.get("intent") or "agent")
    status = SpanStatus.ERROR if end is not None and end.type in (EventType.TASK_FAILED, EventType.TASK_ABORTED) \
        else SpanStatus.OK
    b.containers.append(b.add("agent", SpanKind.AGENT, agent, agent_start, end.timestamp if end else None, status,
                              {"agent": agent, "intent": thought.data.get("intent")}))


_LLM_END = {"completed": SpanStatus.OK, "request_failed": SpanStatus.ERROR, "stream_failed": SpanStatus.ERROR}


def _model_calls(b: _Builder, events: Sequence[Event]) -> None:
    """`request_sent` to its end, in order: the registry makes one call at a time per task."""
    open_call: tuple[Event, dict[str, Any], float | None] | None = None
    decision: dict[str, Any] = {}
    last: TimelineSpan | None = None

    def close(end: Event | None, status: SpanStatus) -> TimelineSpan:
        assert open_call is not None
        sent, details, ttft = open_call
        name = f"{details.get('provider')} · {details.get('model')}"
        return b.add(f"model:{sent.seq}", SpanKind.MODEL_CALL, name, sent.timestamp,
                     end.timestamp if end else None, status, details, parent=b.parent_of(sent.timestamp),
                     ttft_ms=ttft)

    for ev in events:
        if ev.type == EventType.LLM_USAGE and last is not None and "prompt_tokens" not in last.details:
            call = ev.data.get("call") or {}
            last.details.update({k: call[k] for k in ("prompt_tokens", "completion_tokens", "estimated")
                                 if k in call})
            continue
        if not _step(ev, "LLM"):
            continue
        action, details = ev.data.get("action"), dict(ev.data.get("details") or {})
        if action == "routing_decision":
            decision = {"reason_code": details.get("reason_code"), "chain": details.get("chain")}
        elif action == "request_sent":
            if open_call is not None:  # a call with no end: the next began, so this one is over
                last = close(ev, SpanStatus.WARNING)
            open_call = (ev, {**details, **decision}, None)
        elif open_call is not None and action == "first_token":
            open_call = (open_call[0], open_call[1], _ms(open_call[0].timestamp, ev.timestamp))
        elif open_call is not None and action in ("retry", "fallback"):
            open_call[1][action] = details
        elif open_call is not None and action in _LLM_END:
            if action != "completed":
                open_call[1]["error"] = {k: details.get(k) for k in ("code", "error") if k in details}
            last = close(ev, _LLM_END[str(action)])
            open_call = None
    if open_call is not None:
        close(None, SpanStatus.RUNNING)


def _tool_calls(b: _Builder, events: Sequence[Event]) -> None:
    starts: dict[str, Event] = {}
    ended: set[str] = set()
    for ev in events:
        if ev.type == EventType.TOOL_CALL_STARTED:
            starts[str(ev.data.get("call_id"))] = ev
        elif ev.type in (EventType.TOOL_CALL_FINISHED, EventType.TOOL_CALL_FAILED):
            cid = str(ev.data.get("call_id"))
            start = starts.get(cid)
            if start is None:
                continue
            ended.add(cid)
            details = {k: v for k, v in start.data.items() if k != "call_id"}
            details.update({k: v for k, v in ev.data.items() if k not in ("call_id", "duration_ms", "task_id_hint")})
            failed = ev.type == EventType.TOOL_CALL_FAILED or bool(ev.data.get("is_error"))
            b.add(f"tool:{cid}", SpanKind.TOOL_CALL, str(start.data.get("function_name")), start.timestamp,
                  ev.timestamp, SpanStatus.ERROR if failed else SpanStatus.OK, details,
                  parent=b.parent_of(start.timestamp), duration_ms=float(ev.data.get("duration_ms", 0.0)))
    for cid, start in starts.items():
        if cid not in ended:
            b.add(f"tool:{cid}", SpanKind.TOOL_CALL, str(start.data.get("function_name")), start.timestamp, None,
                  SpanStatus.RUNNING, dict(start.data), parent=b.parent_of(start.timestamp))
    asks = {str(e.data.get("call_id")): e for e in events if e.type == EventType.APPROVAL_REQUESTED}
    for ev in events:
        if ev.type == EventType.APPROVAL_DECIDED and str(ev.data.get("call_id")) in asks:
            ask = asks.pop(str(ev.data.get("call_id")))
            status = SpanStatus.OK if ev.data.get("decision") == "approve" else SpanStatus.WARNING
            b.add(f"approval:{ev.data.get('call_id')}", SpanKind.APPROVAL, str(ask.data.get("function_name")),
                  ask.timestamp, ev.timestamp, status, {**ask.data, **ev.data}, parent=b.parent_of(ask.timestamp))
    for cid, ask in asks.items():
        b.add(f"approval:{cid}", SpanKind.APPROVAL, str(ask.data.get("function_name")), ask.timestamp, None,
              SpanStatus.RUNNING, dict(ask.data), parent=b.parent_of(ask.timestamp))


_FINAL: dict[str, str] = {EventType.TASK_COMPLETED: "COMPLETED", EventType.TASK_FAILED: "FAILED",
                          EventType.TASK_ABORTED: "CANCELLED"}


def _subtasks(b: _Builder, events: Sequence[Event], subtasks: Mapping[str, Sequence[Event]]) -> None:
    done = {str(e.data.get("sub_task_id")): e for e in events if e.type == EventType.PLAN_STEP_COMPLETED}
    for ev in events:
        if ev.type != EventType.PLAN_STEP_STARTED:
            continue
        sub_id = str(ev.data.get("sub_task_id"))
        sub_events = subtasks.get(sub_id) or []
        # The sub-task's own end when known: the plan writes every step's completion at its end.
        sub_end = next((e for e in sub_events if e.type in TERMINAL_EVENTS), None)
        end = sub_end or done.get(sub_id)
        final = _FINAL.get(sub_end.type) if sub_end else str(end.data.get("status")) if end else None
        status = SpanStatus.OK if final == "COMPLETED" else SpanStatus.ERROR
        sid = f"subtask:{sub_id}"
        # The plan writes PLAN_STEP_STARTED just after submitting the sub-task: it began at its creation.
        start = min(ev.timestamp, sub_events[0].timestamp) if sub_events else ev.timestamp
        b.add(sid, SpanKind.SUBTASK, str(ev.data.get("title")), start, end.timestamp if end else None,
              status, {"step": ev.data.get("step"), "sub_task_id": sub_id, "status": final},
              parent=b.parent_of(ev.timestamp))
        if sub_events:
            for span in _spans(sub_events, {}, b.t0):
                if span.kind == SpanKind.TASK:
                    continue
                b.spans.append(span.model_copy(update={
                    "id": f"{sub_id}/{span.id}",
                    "parent_id": sid if span.parent_id == "task" else f"{sub_id}/{span.parent_id}"}))


def _spans(events: Sequence[Event], subtasks: Mapping[str, Sequence[Event]], t0: datetime) -> list[TimelineSpan]:
    b = _Builder(events, t0)
    created = events[0]
    terminal = next((e for e in events if e.type in TERMINAL_EVENTS), None)
    status = SpanStatus.RUNNING if terminal is None else \
        SpanStatus.OK if terminal.type == EventType.TASK_COMPLETED else SpanStatus.ERROR
    root: dict[str, Any] = {"content": created.data.get("content", "")}
    if terminal is not None and terminal.type != EventType.TASK_COMPLETED:
        root["error"] = terminal.data.get("error")
    b.add("task", SpanKind.TASK, str(created.data.get("content", ""))[:120], created.timestamp,
          terminal.timestamp if terminal else None, status, root, parent=None)
    _phases(b, events, terminal)
    _model_calls(b, events)
    _tool_calls(b, events)
    _subtasks(b, events, subtasks)
    return b.spans


def build_timeline(task_id: str, status: str, events: Sequence[Event],
                   subtasks: Mapping[str, Sequence[Event]] | None = None) -> TaskTimeline:
    """The timeline of one task from its events (in `seq` order), and its plan steps' sub-tasks'
    events by sub-task id (a sub-task missing from `subtasks` is shown without its inner spans)."""
    ordered = sorted(events, key=lambda e: e.seq)
    if not ordered or ordered[0].type != EventType.TASK_CREATED:
        return TaskTimeline(task_id=task_id, status=status, duration_ms=0.0, spans=[])
    t0 = ordered[0].timestamp
    spans = _spans(ordered, subtasks or {}, t0)
    by_parent: dict[str | None, list[TimelineSpan]] = {}
    for span in spans:
        by_parent.setdefault(span.parent_id, []).append(span)
    out: list[TimelineSpan] = []

    def walk(parent: str | None) -> None:
        for span in sorted(by_parent.get(parent, []), key=lambda s: (s.start_ms, s.id)):
            out.append(span)
            walk(span.id)

    walk(None)
    last = max([_ms(t0, ordered[-1].timestamp)] + [s.start_ms + s.duration_ms for s in spans])
    return TaskTimeline(task_id=task_id, status=status, duration_ms=round(last, 3), spans=out)
