"use client";

import { useMemo, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import type { TKey } from "@/lib/i18n";
import { hasPrefix, isEvent, type VenomEvent } from "@/lib/ws";

type Kind = "all" | "tasks" | "queue" | "errors";
const KINDS: { kind: Kind; label: TKey; test: (ev: VenomEvent) => boolean }[] = [
  { kind: "all", label: "events.all", test: () => true },
  { kind: "tasks", label: "events.tasks", test: (ev) => hasPrefix(ev, "TASK_") || hasPrefix(ev, "PLAN_") || hasPrefix(ev, "AGENT_") || isEvent(ev, "TOOL_USAGE") },
  { kind: "queue", label: "events.queue", test: (ev) => hasPrefix(ev, "QUEUE_") || isEvent(ev, "EMERGENCY_STOP") },
  { kind: "errors", label: "events.errors", test: (ev) => /FAIL|ERROR|STOP|ABORT/.test(ev.type) },
];

/**
 * What a person follows by default: tasks starting and ending, tool calls, errors and the queue
 * controls they pressed. Stream chunks, thoughts, trace steps, logs and usage are behind "All".
 */
const IMPORTANT = /^(TASK_(CREATED|STARTED|COMPLETED|FAILED|ABORTED|REQUEUED)|TOOL_USAGE|TOOL_CALL_\w+|QUEUE_\w+|EMERGENCY_STOP)$|FAIL|ERROR/;
type View = Kind | "important";
const isImportant = (ev: VenomEvent) => IMPORTANT.test(ev.type);

/** The `/ws/events` feed, newest first, filterable by kind and text (important events by default). */
export function EventFeed() {
  const { t, lang } = usePrefs();
  const { events, wsState, clearEvents } = useLive();
  const [kind, setKind] = useState<View>("important");
  const [q, setQ] = useState("");
  const hidden = useMemo(() => (kind === "important" ? events.filter((e) => !isImportant(e)).length : 0), [events, kind]);
  const shown = useMemo(() => {
    const test = kind === "important" ? isImportant : (KINDS.find((k) => k.kind === kind)?.test ?? (() => true));
    const needle = q.trim().toLowerCase();
    return events.filter((e) => test(e) && (!needle || `${e.type} ${e.message} ${e.agent ?? ""}`.toLowerCase().includes(needle))).slice(0, 100);
  }, [events, kind, q]);
  const fmt = useMemo(() => new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" }), [lang]);

  return (
    <Panel
      title={t("events.title")}
      testId="event-feed"
      actions={<Badge tone={wsState === "open" ? "success" : "danger"} testId="ws-state">{t(wsState === "open" ? "events.connected" : "events.disconnected")}</Badge>}
    >
      <div className="filters">
        <div className="segmented segmented--sm" role="group" aria-label={t("events.show")}>
          <button type="button" className={kind === "important" ? "on" : ""} aria-pressed={kind === "important"} onClick={() => setKind("important")} data-testid="events-important" title={t("events.importantHint")}>
            {t("events.important")}
          </button>
          {KINDS.map((k) => (
            <button key={k.kind} type="button" className={kind === k.kind ? "on" : ""} aria-pressed={kind === k.kind} onClick={() => setKind(k.kind)} data-testid={`events-${k.kind}`}>
              {t(k.label)}
            </button>
          ))}
        </div>
        <input type="search" placeholder={t("events.filter")} aria-label={t("events.filter")} value={q} onChange={(e) => setQ(e.target.value)} data-testid="events-filter" />
        <button type="button" className="btn btn--ghost btn--sm" onClick={clearEvents}>{t("events.clear")}</button>
      </div>
      <ul className="feed" data-testid="events-list">
        {shown.length === 0 ? <li className="empty">{t("events.empty")}</li> : null}
        {shown.map((e, i) => (
          <li key={e.gseq ?? `log-${e.timestamp}-${i}`} className="feed__item" data-type={e.type}>
            <time className="muted mono small">{fmt.format(new Date(e.timestamp))}</time>
            <Badge tone={toneOf(e.type)}>{e.type}</Badge>
            <span className="feed__msg">{e.message}</span>
          </li>
        ))}
      </ul>
      {hidden > 0 ? (
        <button type="button" className="btn btn--ghost btn--sm feed__more" onClick={() => setKind("all")} data-testid="events-hidden" data-count={hidden}>
          {t("events.hidden", { n: hidden })}
        </button>
      ) : null}
    </Panel>
  );
}
