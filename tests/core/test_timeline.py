"""The timeline folds hand-built events into nested spans: offsets, durations, first token, tool
calls, sub-tasks under their plan step, running spans, and masked details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from venom_core.core.events import check
from venom_core.core.models import Event, EventType
from venom_core.core.timeline import SpanKind, SpanStatus, TimelineSpan, build_timeline

T0 = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)
SECRET = "sk-live-0123456789abcdefghij"


class Events:
    """A task's events at given milliseconds from T0; every payload is checked like the log checks it."""

    def __init__(self, task_id: str, t0: datetime = T0):
        self.task_id = task_id
        self.t0 = t0
        self.items: list[Event] = []

    def at(self, ms: float, type_: str, **data: Any) -> Events:
        check(type_, data)
        self.items.append(Event(len(self.items) + 1, self.task_id, len(self.items) + 1, type_,
                                self.t0 + timedelta(milliseconds=ms), data=data))
        return self

    def step(self, ms: float, component: str, action: str, status: str = "ok", **details: Any) -> Events:
        return self.at(ms, EventType.TRACE_STEP, component=component, action=action, status=status, details=details)

    def context(self, ms: float, **values: Any) -> Events:
        return self.at(ms, EventType.TRACE_STEP, component="Context", action="update", status="ok", context=values)

    def chat(self, content: str, start: float = 0.0) -> Events:
        """Created, queued, started, routed and the context built, as the orchestrator writes them."""
        self.at(start, EventType.TASK_CREATED, content=content, request={})
        self.at(start + 1, EventType.TASK_QUEUED, active=0, limit=2, paused=False)
        self.at(start + 5, EventType.TASK_STARTED)
        self.step(start + 6, "DecisionGate", "intent_debug", intent="FILE_OPERATION", source="lexicon")
        self.step(start + 7, "DecisionGate", "route_to_agent", agent="Librarian", intent="FILE_OPERATION")
        self.at(start + 8, EventType.AGENT_THOUGHT, intent="FILE_OPERATION", target_agent="Librarian")
        return self.context(start + 12, context_used={"history_turns": 0, "lessons": []})


def spans_by_id(events: list[Event], subtasks: dict[str, list[Event]] | None = None) -> dict[str, TimelineSpan]:
    timeline = build_timeline("t1", "COMPLETED", events, subtasks)
    ids = [s.id for s in timeline.spans]
    assert len(ids) == len(set(ids))
    seen: set[str] = set()
    for span in timeline.spans:  # parents come before their children
        assert span.parent_id is None or span.parent_id in seen, span.id
        seen.add(span.id)
    return {s.id: s for s in timeline.spans}


def test_phases_model_call_and_tool_call() -> None:
    ev = Events("t1").chat("/file list the files")
    ev.at(15, EventType.TOOL_CALL_STARTED, call_id="c1", tool_id="builtin:list_files", function_name="list_files",
          source="builtin", side_effect="read", arguments={"path": ".", "api_key": SECRET})
    ev.at(40, EventType.TOOL_CALL_FINISHED, call_id="c1", tool_id="builtin:list_files", function_name="list_files",
          source="builtin", duration_ms=24.5, is_error=False, result_preview=f"a.txt {SECRET}", result_chars=20,
          truncated=False)
    ev.step(41, "LLM", "routing_decision", provider="embedded", model="smol", reason_code="default", chain=["embedded"])
    ev.step(42, "LLM", "request_sent", provider="embedded", model="smol", attempt=1)
    ev.step(100, "LLM", "first_token", provider="embedded", model="smol", elapsed_ms=100.0)
    ev.at(101, EventType.TASK_STREAM, delta="Here")
    ev.step(300, "LLM", "completed", provider="embedded", model="smol")
    ev.at(301, EventType.LLM_USAGE, call={"provider": "embedded", "model": "smol", "prompt_tokens": 50,
                                          "completion_tokens": 9, "estimated": False})
    ev.at(305, EventType.AGENT_ACTION, intent="FILE_OPERATION")
    ev.at(306, EventType.TASK_COMPLETED, result="done", result_length=4)
    spans = spans_by_id(ev.items)

    task = spans["task"]
    assert task.parent_id is None and task.kind == SpanKind.TASK and task.status == SpanStatus.OK
    assert task.start_ms == 0 and task.duration_ms == 306
    assert (spans["queue"].start_ms, spans["queue"].duration_ms) == (0, 5)
    routing = spans["routing"]
    assert routing.kind == SpanKind.ROUTING and (routing.start_ms, routing.duration_ms) == (5, 3)
    assert routing.details["agent"] == "Librarian"
    assert routing.details["decisions"] == ["intent_debug", "route_to_agent"]
    context = spans["context"]
    assert (context.start_ms, context.duration_ms) == (8, 4) and context.details["history_turns"] == 0
    agent = spans["agent"]
    assert agent.name == "Librarian" and (agent.start_ms, agent.duration_ms) == (12, 293)

    tool = spans["tool:c1"]
    assert tool.kind == SpanKind.TOOL_CALL and tool.parent_id == "agent" and tool.status == SpanStatus.OK
    assert tool.start_ms == 15 and tool.duration_ms == 24.5  # the tool's own measure
    assert tool.details["arguments"]["path"] == "." and SECRET not in str(tool.details)

    model = next(s for s in spans.values() if s.kind == SpanKind.MODEL_CALL)
    assert model.parent_id == "agent" and model.name == "embedded · smol"
    assert (model.start_ms, model.duration_ms, model.ttft_ms) == (42, 258, 58)
    assert model.details["prompt_tokens"] == 50 and model.details["reason_code"] == "default"


def test_sub_tasks_nest_under_their_plan_step() -> None:
    parent = Events("p").chat("/parallel plan a website")
    parent.at(20, EventType.PLAN_CREATED, goal="a website", steps=[{"title": "Pick a host", "description": ""}])
    parent.at(25, EventType.PLAN_STEP_STARTED, step=1, title="Pick a host", sub_task_id="s1")
    parent.at(900, EventType.PLAN_STEP_COMPLETED, step=1, sub_task_id="s1", status="COMPLETED")
    parent.at(901, EventType.AGENT_ACTION, intent="COMPLEX_PLANNING")
    parent.at(902, EventType.TASK_COMPLETED, result="plan", result_length=4)
    sub = Events("s1", T0 + timedelta(milliseconds=24))
    sub.at(0, EventType.TASK_CREATED, content="Pick a host", request={"parent_task_id": "p"})
    sub.at(300, EventType.TASK_STARTED)
    sub.step(301, "LLM", "request_sent", provider="embedded", model="smol", attempt=1)
    sub.step(320, "LLM", "first_token", provider="embedded", model="smol")
    sub.step(500, "LLM", "completed", provider="embedded", model="smol")
    sub.at(501, EventType.TASK_COMPLETED, result="a host", result_length=6)
    spans = spans_by_id(parent.items, {"s1": sub.items})

    step = spans["subtask:s1"]
    assert step.kind == SpanKind.SUBTASK and step.parent_id == "agent" and step.name == "Pick a host"
    assert step.start_ms == 24 and step.duration_ms == 501  # the sub-task's own life, not the plan's wait
    assert step.details == {"step": 1, "sub_task_id": "s1", "status": "COMPLETED"}
    assert "s1/task" not in spans
    assert spans["s1/queue"].parent_id == "subtask:s1" and spans["s1/queue"].start_ms == 24
    model = next(s for s in spans.values() if s.kind == SpanKind.MODEL_CALL)
    assert model.id.startswith("s1/") and model.start_ms == 325 and model.ttft_ms == 19


def test_unfinished_spans_are_running_and_failures_are_errors() -> None:
    ev = Events("t1").chat("/file read big.log")
    ev.at(15, EventType.TOOL_CALL_STARTED, call_id="c1", tool_id="builtin:read_file", function_name="read_file",
          source="builtin", side_effect="read", arguments={"path": "big.log"})
    ev.at(20, EventType.TOOL_CALL_STARTED, call_id="c2", tool_id="builtin:read_file", function_name="read_file",
          source="builtin", side_effect="read", arguments={"path": "x" * 5000})
    ev.at(30, EventType.TOOL_CALL_FAILED, call_id="c2", tool_id="builtin:read_file", function_name="read_file",
          source="builtin", duration_ms=9.0, is_error=True, result_preview="nope", result_chars=4, truncated=False,
          error_code="path_outside_workspace")
    ev.step(31, "LLM", "request_sent", provider="embedded", model="smol", attempt=1)
    ev.step(60, "LLM", "request_failed", "error", provider="embedded", attempt=1, code="llm_timeout", error="slow")
    ev.step(61, "LLM", "request_sent", provider="embedded", model="smol", attempt=1)
    spans = spans_by_id(ev.items)
    assert spans["task"].status == SpanStatus.RUNNING and spans["task"].duration_ms == 61
    assert spans["tool:c1"].status == SpanStatus.RUNNING and spans["tool:c1"].duration_ms == 46
    failed = spans["tool:c2"]
    assert failed.status == SpanStatus.ERROR and failed.details["error_code"] == "path_outside_workspace"
    assert len(failed.details["arguments"]["path"]) < 2100  # long values are bounded
    calls = sorted((s for s in spans.values() if s.kind == SpanKind.MODEL_CALL), key=lambda s: s.start_ms)
    assert [c.status for c in calls] == [SpanStatus.ERROR, SpanStatus.RUNNING]
    assert calls[0].details["error"] == {"code": "llm_timeout", "error": "slow"} and calls[0].ttft_ms is None


def test_a_blocked_route_and_no_events() -> None:
    ev = Events("t1")
    ev.at(0, EventType.TASK_CREATED, content="/web news", request={})
    ev.at(3, EventType.TASK_STARTED)
    ev.step(4, "DecisionGate", "tool_requirement", intent="RESEARCH", tool_required=True, autonomy_level=0)
    ev.step(5, "Autonomy", "gate", "blocked", required_level=2)
    ev.at(6, EventType.TASK_FAILED, error={"code": "autonomy_denied", "message": "no", "stage": "autonomy",
                                           "retryable": False})
    spans = spans_by_id(ev.items)
    assert spans["routing"].status == SpanStatus.ERROR and "agent" not in spans and "context" not in spans
    assert spans["task"].status == SpanStatus.ERROR and spans["task"].details["error"]["code"] == "autonomy_denied"
    assert build_timeline("none", "PENDING", []).spans == []


def test_the_classifier_call_sits_in_routing_and_an_approval_in_the_agent() -> None:
    ev = Events("t1")
    ev.at(0, EventType.TASK_CREATED, content="plan and commit", request={})
    ev.at(2, EventType.TASK_STARTED)
    ev.step(3, "LLM", "request_sent", provider="embedded", model="smol", attempt=1)
    ev.step(9, "LLM", "retry", "warning", provider="embedded", attempt=1, code="busy", status_code=503, delay_s=0.1)
    ev.step(20, "LLM", "completed", provider="embedded", model="smol")
    ev.step(21, "DecisionGate", "intent_classifier", intent="VERSION_CONTROL", latency_ms=18.0)
    ev.at(22, EventType.AGENT_THOUGHT, intent="VERSION_CONTROL", target_agent="GitAgent")
    ev.at(30, EventType.APPROVAL_REQUESTED, call_id="a1", tool_id="builtin:git_commit", function_name="git_commit",
          source="builtin", side_effect="write", arguments={"message": "hi"}, expires_at="2026-01-05T12:05:00Z")
    ev.at(80, EventType.APPROVAL_DECIDED, call_id="a1", tool_id="builtin:git_commit", function_name="git_commit",
          decision="deny", by="person", remember=False)
    ev.at(81, EventType.AGENT_ACTION, intent="VERSION_CONTROL")
    ev.at(82, EventType.TASK_COMPLETED, result="no", result_length=2)
    spans = spans_by_id(ev.items)
    model = spans["model:3"]
    assert model.parent_id == "routing" and model.details["retry"]["code"] == "busy"
    assert spans["routing"].details["intent"] == "VERSION_CONTROL" and "context" not in spans
    assert spans["agent"].start_ms == 22  # no context record: the agent starts at the decision
    approval = spans["approval:a1"]
    assert approval.parent_id == "agent" and approval.status == SpanStatus.WARNING
    assert (approval.start_ms, approval.duration_ms) == (30, 50) and approval.details["decision"] == "deny"
