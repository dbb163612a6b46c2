"""Plain-text tables and values for the `venom` CLI (no colours: the output is also piped and grepped)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import datetime
from typing import Any

SHORT_ID = 8  # the UI shows "#" and the first 6 to 8 characters; any unique prefix is accepted


def short_id(task_id: str) -> str:
    return task_id[:SHORT_ID]


def one_line(text: Any, limit: int) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)] + "…"


def when(iso: str | None) -> str:
    """An API timestamp (UTC, ISO 8601) in the local time zone, to the second."""
    if not iso:
        return "-"
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


def duration(ms: float | None) -> str:
    if ms is None:
        return "-"
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, indent: str = "") -> str:
    """Columns padded to their widest cell; the last column is cut to the terminal's width."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    room = shutil.get_terminal_size((120, 24)).columns - len(indent) - sum(w + 2 for w in widths[:-1])
    last = max(room, 20)

    def line(cells: Sequence[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
        return (indent + "  ".join([*padded, one_line(cells[-1], last)])).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def pairs(rows: Sequence[tuple[str, str]], *, indent: str = "  ") -> str:
    """A two-column key/value table."""
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{indent}{k.ljust(width)}  {v}".rstrip() for k, v in rows)


def yes_no(value: Any) -> str:
    return "yes" if value else "no"


def status_rows(st: dict[str, Any]) -> list[tuple[str, str]]:
    """`GET /api/v1/system/status` as readable rows."""
    runtime = st.get("llm_runtime") or {}
    queue = st.get("queue") or {}
    events = st.get("event_log") or {}
    workspace = st.get("workspace") or {}
    model = " ".join(str(x) for x in (runtime.get("provider") or "none", runtime.get("model") or "") if x)
    rows = [
        ("Healthy", yes_no(st.get("system_healthy"))),
        ("Uptime", duration((st.get("uptime_seconds") or 0) * 1000)),
        ("Boot id", str(st.get("boot_id", "?"))),
        ("LLM runtime", f"{model} ({runtime.get('status', 'unknown')})"),
        ("Queue", f"{'paused' if queue.get('paused') else 'running'} · {queue.get('pending', 0)} pending · "
                  f"{queue.get('active', 0)} active · limit {queue.get('limit', '?')}"),
        ("Memory", f"{st.get('process_rss_mb', '?')} MB RSS · system {st.get('memory_usage_percent', '?')} % used"),
        ("CPU", f"{st.get('cpu_percent', '?')} %"),
        ("Event log", f"gseq {events.get('last_gseq', '?')} · {events.get('write_errors', 0)} write errors · "
                      f"{events.get('subscribers', 0)} listeners"),
    ]
    if workspace:
        state = "" if workspace.get("exists") else " (missing)"
        rows.append(("Workspace", f"{workspace.get('path')}{state}"))
    return rows


def task_rows(items: Sequence[dict[str, Any]]) -> list[list[str]]:
    return [[short_id(str(t.get("task_id", ""))), str(t.get("status", "")), when(t.get("created_at")),
             duration((t.get("timings") or {}).get("total_ms")), one_line(t.get("content"), 200)]
            for t in items]


TASK_HEADERS = ("ID", "STATUS", "CREATED", "TOOK", "CONTENT")


def citation_lines(citations: Sequence[dict[str, Any]]) -> list[str]:
    """An answer's sources, one line each: `[1] report.pdf, page 3 - "snippet..."`."""
    lines = []
    for c in citations:
        page = f", page {c['page']}" if c.get("page") else ""
        lines.append(f"[{c.get('n')}] {c.get('name')}{page} - \"{one_line(c.get('snippet'), 70)}\"")
    return lines
