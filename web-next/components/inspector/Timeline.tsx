"use client";

/**
 * A task as a waterfall: one row per span (routing, context, each model and tool call, each
 * sub-task), indented under the span it ran in, its bar placed and sized by its offset and
 * duration against the whole task. A model call marks its first token. A row opens the span's
 * details in a drawer.
 */
import { useMemo, useState, type CSSProperties } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { Empty } from "@/components/ui/States";
import type { Schemas } from "@/lib/api/client";
import { SpanDrawer } from "./SpanDrawer";
import { depths, formatMs } from "./spans";

type TaskTimeline = Schemas["TaskTimeline"];
type Span = Schemas["TimelineSpan"];

const INDENT_PX = 12;

function pct(part: number, total: number): string {
  return `${Math.min(100, Math.max(0, (part / total) * 100)).toFixed(3)}%`;
}

export function Timeline({ timeline, raw, onRaw }: { timeline: TaskTimeline; raw: boolean; onRaw: (raw: boolean) => void }) {
  const { t } = usePrefs();
  const [openId, setOpenId] = useState<string | null>(null);
  const depth = useMemo(() => depths(timeline.spans), [timeline]);
  const total = Math.max(timeline.duration_ms, 1);
  const open = timeline.spans.find((s) => s.id === openId) ?? null;
  if (timeline.spans.length === 0) return <Empty text={t("timeline.empty")} />;
  return (
    <div className="waterfall" data-testid="timeline" data-total-ms={timeline.duration_ms}>
      <div className="waterfall__scale small muted" aria-hidden="true">
        <span>0</span>
        <span>{t("timeline.total", { ms: formatMs(timeline.duration_ms) })}</span>
      </div>
      <ol className="waterfall__rows">
        {timeline.spans.map((s) => (
          <Row key={s.id} span={s} depth={depth.get(s.id) ?? 0} total={total} onOpen={() => setOpenId(s.id)} />
        ))}
      </ol>
      <SpanDrawer span={open} raw={raw} onRaw={onRaw} onClose={() => setOpenId(null)} />
    </div>
  );
}

function Row({ span, depth, total, onOpen }: { span: Span; depth: number; total: number; onOpen: () => void }) {
  const { t } = usePrefs();
  const label: CSSProperties = { paddingInlineStart: `${depth * INDENT_PX}px` };
  const bar: CSSProperties = { left: pct(span.start_ms, total), width: pct(span.duration_ms, total) };
  const ttft = typeof span.ttft_ms === "number" && span.duration_ms > 0 ? span.ttft_ms : null;
  return (
    <li className="waterfall__row" data-testid="timeline-span" data-kind={span.kind} data-status={span.status} data-depth={depth}
      data-span-id={span.id} data-parent-id={span.parent_id ?? ""}>
      <button type="button" className="waterfall__btn" onClick={onOpen} aria-label={t("timeline.open", { name: span.name })}>
        <span className="waterfall__label" style={label}>
          <span className={`waterfall__kind waterfall__kind--${span.kind}`}>{t(`timeline.kind.${span.kind}`)}</span>
          <span className="waterfall__name">{span.name}</span>
          <span className="waterfall__ms mono small">{formatMs(span.duration_ms)}</span>
        </span>
        <span className="waterfall__track">
          <span className={`waterfall__bar waterfall__bar--${span.kind} waterfall__bar--${span.status}`} style={bar} data-testid="timeline-bar">
            {ttft !== null ? <span className="waterfall__ttft" style={{ left: pct(ttft, span.duration_ms) }} title={`${t("timeline.ttft")} ${formatMs(ttft)}`} data-testid="timeline-ttft" /> : null}
          </span>
        </span>
      </button>
    </li>
  );
}
