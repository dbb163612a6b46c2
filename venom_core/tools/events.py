"""The events of one tool call: TOOL_CALL_STARTED, then TOOL_CALL_FINISHED or TOOL_CALL_FAILED
(and, for a call that asks a person, the approvals' events, tools/approvals.py).

They go through the event log's public `append`, on the task's stream when the call belongs to a
task and as system events otherwise (a call made with `POST /api/v1/tools/{id}/invoke`). The
arguments are masked like the audit trail masks request bodies (secret names, credential-shaped
values, known secret values) and the result is shown only as a bounded, masked preview.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from venom_core.core.audit import summarize
from venom_core.core.masking import MASK, MIN_SECRET_LEN, mask_text
from venom_core.core.models import EventType
from venom_core.tools.spec import ToolResult, ToolSpec

PREVIEW_CHARS = 500


class Appender(Protocol):
    """The part of `core.event_log.EventLog` a tool call needs."""

    def append(self, task_id: str | None, type: str, *, message: str = "", agent: str | None = None,
               data: dict[str, Any] | None = None, persist: bool = True) -> Any: ...


class CallEvents:
    def __init__(self, log: Appender, secrets: Iterable[str] = ()):
        self.log = log
        self.secrets = [s for s in secrets if s]
        # Longest first, as mask_text replaces them; sorted once here, not on every call.
        self._known = sorted({s for s in self.secrets if len(s) >= MIN_SECRET_LEN}, key=len, reverse=True)

    def append(self, task_id: str | None, type: str, *, message: str = "", agent: str | None = None,
               data: dict[str, Any] | None = None) -> Any:
        """Another event of a call (an approval asked or decided, a wait): to the log as it is given."""
        return self.log.append(task_id, type, message=message, agent=agent, data=data)

    def _append(self, task_id: str | None, type: str, message: str, data: dict[str, Any]) -> None:
        try:
            self.log.append(task_id, type, message=message, agent="Tools", data=data)
        except KeyError:  # the task finished meanwhile: the call is still recorded, as a system event
            self.log.append(None, type, message=message, agent="Tools", data={**data, "task_id_hint": task_id})

    def _replace(self, text: str) -> str:
        for secret in self._known:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def preview(self, text: str) -> str:
        return mask_text(self._replace(text[:PREVIEW_CHARS]))

    def masked(self, arguments: dict[str, Any]) -> Any:
        """Arguments as events show them: known secret values replaced, then bounded and masked like the
        audit trail (one pass of the credential patterns per string, as `mask_text` does it)."""
        return summarize(self._replace_known(arguments) if self._known else arguments)

    def _replace_known(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._replace_known(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._replace_known(v) for v in value]
        if isinstance(value, str):
            return self._replace(value)
        return value

    def started(self, spec: ToolSpec, call_id: str, arguments: dict[str, Any], task_id: str | None) -> None:
        masked = self.masked(arguments)
        self._append(task_id, EventType.TOOL_CALL_STARTED, f"tool {spec.function_name} called",
                     {"call_id": call_id, "tool_id": spec.id, "function_name": spec.function_name,
                      "source": spec.source, "side_effect": spec.side_effect, "arguments": masked})

    def finished(self, spec: ToolSpec, result: ToolResult, task_id: str | None) -> None:
        data: dict[str, Any] = {
            "call_id": result.call_id, "tool_id": spec.id, "function_name": spec.function_name,
            "source": spec.source, "duration_ms": result.duration_ms, "is_error": result.is_error,
            "result_preview": self.preview(result.result), "result_chars": len(result.result),
            "truncated": result.truncated,
        }
        if result.error_code is None and not result.is_error:
            self._append(task_id, EventType.TOOL_CALL_FINISHED,
                         f"tool {spec.function_name} finished in {result.duration_ms:.0f} ms", data)
        else:
            data["error_code"] = result.error_code or "tool_error"
            self._append(task_id, EventType.TOOL_CALL_FAILED,
                         f"tool {spec.function_name} failed ({data['error_code']})", data)

