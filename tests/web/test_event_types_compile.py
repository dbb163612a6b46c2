"""The UI's event types are checked by the compiler: listening for an event the backend does not
emit, or reading a payload field it does not send, fails `tsc`; the real names compile.

The types come from the committed `web-next/lib/api/schema.d.ts` (generated from the OpenAPI
document, whose `WsEvent` and `TaskStreamFrame` unions list every event and frame) through
`web-next/lib/ws.ts` and `web-next/lib/sse.ts`.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web-next"
TSC = WEB / "node_modules" / ".bin" / "tsc"

VALID = """\
import type { TaskStreamFrame } from "@/lib/sse";
import { hasPrefix, isEvent, taskOf, type EventType, type VenomEvent } from "@/lib/ws";

export const watched = ["TASK_COMPLETED", "QUEUE_PAUSED", "MODEL_INSTALL_PROGRESS"] as const satisfies
  readonly EventType[];

export function read(ev: VenomEvent): string | null {
  if (isEvent(ev, "TASK_FAILED", "TASK_ABORTED")) return ev.data.error.code;
  if (ev.type === "SESSION_DELETED") return ev.data.session_id;
  if (hasPrefix(ev, "QUEUE_")) return ev.type;
  if (isEvent(ev, ...watched)) return ev.message;
  return taskOf(ev);
}

export function text(frame: TaskStreamFrame): string {
  if (frame.event === "task_missing") return frame.data.detail;
  if (frame.event === "task_update") return frame.data.delta;
  return frame.data.result;
}
"""

# Each line must fail to compile, with an error on that line that names the offending word.
INVALID = [
    ('export const a = (ev: VenomEvent) => ev.type === "SERVICE_STATUS_UPDATE";', "SERVICE_STATUS_UPDATE"),
    ('export const b = (ev: VenomEvent) => isEvent(ev, "MEMORY_UPDATED");', "MEMORY_UPDATED"),
    ('export const c = (ev: VenomEvent) => hasPrefix(ev, "RUNTIME_");', "RUNTIME_"),
    ('export const d = ["LESSON_LEARNED"] as const satisfies readonly EventType[];', "LESSON_LEARNED"),
    ('export const e = (ev: VenomEvent) => isEvent(ev, "TASK_FAILED") && ev.data.error.reason;', "reason"),
    ('export const f = (fr: TaskStreamFrame) => fr.event === "task_progress";', "task_progress"),
]
INVALID_HEAD = """\
import type { TaskStreamFrame } from "@/lib/sse";
import { hasPrefix, isEvent, type EventType, type VenomEvent } from "@/lib/ws";
"""


def test_unknown_event_names_are_type_errors(tmp_path: Path) -> None:
    assert TSC.exists(), f"{TSC} is missing: install the web client's packages (npm ci in web-next)"
    (tmp_path / "valid.ts").write_text(VALID)
    (tmp_path / "invalid.ts").write_text(INVALID_HEAD + "\n".join(src for src, _ in INVALID) + "\n")
    config = {
        "extends": str(WEB / "tsconfig.json"),
        "compilerOptions": {"incremental": False, "noEmit": True, "paths": {"@/*": [f"{WEB}/*"]},
                            "noUnusedLocals": False},
        "include": [str(tmp_path / "valid.ts"), str(tmp_path / "invalid.ts")],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    run = subprocess.run([str(TSC), "-p", str(tmp_path / "tsconfig.json"), "--pretty", "false"],
                         capture_output=True, text=True, timeout=240, cwd=tmp_path)
    errors = re.findall(r"^(.*?)\((\d+),\d+\): error (TS\d+): (.*)$", run.stdout, re.M)
    assert run.returncode != 0 and errors, run.stdout + run.stderr
    in_valid = [e for e in errors if e[0].endswith("valid.ts") and not e[0].endswith("invalid.ts")]
    assert not in_valid, f"the real event names must compile: {in_valid}"
    assert all(e[0].endswith("invalid.ts") for e in errors), errors
    first = INVALID_HEAD.count("\n") + 1
    messages: dict[int, str] = {}
    for _, line, code, text in errors:
        messages[int(line)] = messages.get(int(line), "") + f" {code} {text}"
    for n, (source, word) in enumerate(INVALID, start=first):
        assert n in messages, f"compiled without an error: {source}"
        assert f"'{word}'" in messages[n] or f'"{word}"' in messages[n], messages[n]
