"use client";

/** Small pieces the timeline and its drawer share. */
import { usePrefs } from "@/components/providers/Preferences";
import type { Tone } from "@/components/ui/Badge";
import type { Schemas } from "@/lib/api/client";

type Span = Schemas["TimelineSpan"];

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
}

export function statusTone(status: Span["status"]): Tone {
  return status === "ok" ? "success" : status === "error" ? "danger" : status === "warning" ? "warning" : "info";
}

/** Each span's nesting depth; the API sends parents before their children. */
export function depths(spans: readonly Span[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of spans) out.set(s.id, s.parent_id ? (out.get(s.parent_id) ?? 0) + 1 : 0);
  return out;
}

export function RawToggle({ raw, onRaw, testId }: { raw: boolean; onRaw: (raw: boolean) => void; testId: string }) {
  const { t } = usePrefs();
  return (
    <button type="button" className={`btn btn--sm${raw ? "" : " btn--ghost"} raw-toggle`} aria-pressed={raw} title={t("timeline.rawTitle")}
      onClick={() => onRaw(!raw)} data-testid={testId}>
      {t("timeline.raw")}
    </button>
  );
}
