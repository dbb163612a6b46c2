"use client";

import { useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiGet } from "@/lib/api/client";
import { useResource } from "@/lib/hooks/useResource";

type Bucket = "hour" | "day";

/** Tokens over time (`/api/v1/models/usage/history`): one column per hour or day, prompt and
 *  completion tokens stacked, plain SVG. */
export function UsageChart({ version }: { version: number }) {
  const { t } = usePrefs();
  const [bucket, setBucket] = useState<Bucket>("hour");
  const span = bucket === "hour" ? 24 : 14;
  const history = useResource(() => apiGet("/api/v1/models/usage/history", { query: { bucket, span } }), [bucket, version]);
  const rows = history.data?.buckets ?? [];
  const byStart = new Map<string, { prompt: number; completion: number }>();
  for (const r of rows) {
    const cur = byStart.get(r.start) ?? { prompt: 0, completion: 0 };
    cur.prompt += r.prompt_tokens;
    cur.completion += r.completion_tokens;
    byStart.set(r.start, cur);
  }
  const since = history.data ? new Date(history.data.since).getTime() : null;
  const step = bucket === "hour" ? 3_600_000 : 86_400_000;
  const cols = since === null ? [] : Array.from({ length: span }, (_, i) => {
    const start = new Date(since + i * step).toISOString().replace(".000Z", "Z");
    return { start, ...(byStart.get(start) ?? { prompt: 0, completion: 0 }) };
  });
  const max = Math.max(1, ...cols.map((c) => c.prompt + c.completion));
  const W = 560;
  const H = 140;
  const colW = W / span;
  const total = rows.reduce((n, r) => n + r.prompt_tokens + r.completion_tokens, 0);
  return (
    <Panel
      title={t("models.usage.title")}
      testId="models-usage"
      actions={
        <div className="segmented segmented--sm">
          {(["hour", "day"] as const).map((b) => (
            <button key={b} type="button" className={bucket === b ? "on" : ""} onClick={() => setBucket(b)} data-testid={`usage-${b}`}>{t(`models.usage.${b}`)}</button>
          ))}
        </div>
      }
    >
      {history.error && !history.data ? <ErrorState error={history.error} what="/api/v1/models/usage/history" /> : (
        <>
          <p className="small muted" data-testid="usage-total">{t("models.usage.total", { n: total })}</p>
          <svg viewBox={`0 0 ${W} ${H + 4}`} width="100%" role="img" aria-label={t("models.usage.title")}>
            {cols.map((c, i) => {
              const hp = (c.prompt / max) * H;
              const hc = (c.completion / max) * H;
              return (
                <g key={c.start}>
                  <title>{`${new Date(c.start).toLocaleString()}: ${c.prompt} + ${c.completion}`}</title>
                  <rect x={i * colW + 1} y={H - hp - hc} width={colW - 2} height={hc} className="chart__bar" />
                  <rect x={i * colW + 1} y={H - hp} width={colW - 2} height={hp} className="chart__bar chart__bar--alt" />
                </g>
              );
            })}
            <line x1={0} x2={W} y1={H} y2={H} className="chart__axis" />
          </svg>
          <p className="small muted">{t("models.usage.legend")}</p>
        </>
      )}
    </Panel>
  );
}
