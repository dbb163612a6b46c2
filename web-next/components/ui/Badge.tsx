import type { ReactNode } from "react";

export type Tone = "success" | "warning" | "danger" | "neutral" | "info";

/** Tone of a task status or event type: finished well, in flight, or went wrong. */
export function toneOf(value: string | null | undefined): Tone {
  const v = (value ?? "").toUpperCase();
  if (/FAIL|ERROR|STOP|LOST|BLOCK|OFFLINE|DENIED/.test(v)) return "danger";
  if (/CANCEL|ABORT|WARN|TIMEOUT|PAUSE|DEGRADED/.test(v)) return "warning";
  if (/COMPLETE|DONE|SUCCESS|ONLINE|READY|RESUMED|HEALTHY|OK$/.test(v)) return "success";
  if (/PROCESS|RUNNING|PENDING|PROGRESS|STARTED|QUEUED|SENDING|LOADING/.test(v)) return "info";
  return "neutral";
}

export function Badge({ tone = "neutral", children, testId, title }: { tone?: Tone; children: ReactNode; testId?: string; title?: string }) {
  return (
    <span className={`badge badge--${tone}`} data-testid={testId} title={title}>
      {children}
    </span>
  );
}
