"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { PageHeader, Panel } from "@/components/ui/Panel";
import { Empty, ErrorState } from "@/components/ui/States";
import { apiGet, apiGetPage, type Schemas } from "@/lib/api/client";
import { useResource } from "@/lib/hooks/useResource";
import type { TKey } from "@/lib/i18n";
import { hasPrefix, isEvent } from "@/lib/ws";
import { DetailValue } from "./DetailValue";
import { Timeline } from "./Timeline";
import { RawToggle } from "./spans";

type RequestDetail = Schemas["RequestDetail"];
type TraceStep = Schemas["TraceStep"];
type TaskTimeline = Schemas["TaskTimeline"];

/** A step's details: the API sends text, a JSON object encoded; the object, else the text. */
function detailsValue(details: string | null | undefined): unknown {
  if (!details) return null;
  try {
    return JSON.parse(details);
  } catch {
    return details;
  }
}

function isEmpty(value: unknown): boolean {
  return value === null || value === "" || (typeof value === "object" && Object.keys(value).length === 0);
}

/** Request traces: a list on the left; on the right the selected request's timeline (a waterfall
 *  of its spans) and its steps. JSON shows only with "raw" on. */
export function Inspector() {
  const { t } = usePrefs();
  const router = useRouter();
  const params = useSearchParams();
  const selected = params.get("id");
  const { subscribe } = useLive();
  const [raw, setRaw] = useState(false);
  // The first page only (the API sends the next one's address in a `Link` header).
  const list = useResource(async () => (await apiGetPage("/api/v1/history/requests", { query: { limit: 50 } })).items, []);
  const detail = useResource(
    async () => (selected ? await apiGet("/api/v1/history/requests/{request_id}", { params: { request_id: selected } }) : null),
    [selected],
  );
  const timeline = useResource(
    async () => (selected ? await apiGet("/api/v1/tasks/{task_id}/timeline", { params: { task_id: selected } }) : null),
    [selected],
  );
  const reloadList = list.reload;
  const reloadDetail = detail.reload;
  const reloadTimeline = timeline.reload;
  useEffect(() => subscribe((ev) => {
    if (!(hasPrefix(ev, "TASK_") || hasPrefix(ev, "PLAN_") || hasPrefix(ev, "TOOL_") || hasPrefix(ev, "AGENT_"))) return;
    if (isEvent(ev, "TASK_CREATED", "TASK_COMPLETED", "TASK_FAILED", "TASK_ABORTED")) void reloadList();
    if (selected && ev.data.task_id === selected) {
      void reloadDetail();
      if (!isEvent(ev, "TASK_STREAM")) void reloadTimeline(); // a token moves no span's boundary
    }
  }), [subscribe, reloadList, reloadDetail, reloadTimeline, selected]);

  return (
    <>
      <PageHeader title={t("inspector.title")} subtitle={t("inspector.subtitle")} />
      <div className="split">
        <Panel title={t("inspector.requests")} testId="inspector-list" actions={<button type="button" className="btn btn--ghost btn--sm" onClick={() => void reloadList()}>{t("common.refresh")}</button>}>
          {list.error && !list.data ? <ErrorState error={list.error} what="/api/v1/history/requests" /> : null}
          {list.data && list.data.length === 0 ? <Empty text={t("inspector.empty")} /> : null}
          <ul className="list">
            {list.data?.map((r) => (
              <li key={r.request_id} className={`list__row${r.request_id === selected ? " list__row--active" : ""}`}>
                <button type="button" className="list__btn" onClick={() => router.replace(`/inspector?id=${r.request_id}`)} data-testid="inspector-item">
                  <span className="list__main">{r.prompt}</span>
                  <span className="list__meta">
                    <Badge tone={toneOf(r.status)}>{t(`status.${r.status}` as TKey)}</Badge>
                    {r.intent ? <Badge>{r.intent}</Badge> : null}
                    <span className="muted small mono">#{r.request_id.slice(0, 8)}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </Panel>
        {selected ? (
          <div className="stack">
            <TimelinePanel timeline={timeline.data} error={timeline.error} raw={raw} onRaw={setRaw} />
            <Trace detail={detail.data} error={detail.error} raw={raw} onRaw={setRaw} />
          </div>
        ) : <Panel title={t("inspector.steps")}><Empty text={t("inspector.select")} /></Panel>}
      </div>
    </>
  );
}

function TimelinePanel({ timeline, error, raw, onRaw }: { timeline: TaskTimeline | null; error: unknown; raw: boolean; onRaw: (raw: boolean) => void }) {
  const { t } = usePrefs();
  return (
    <Panel title={t("timeline.title")} testId="timeline-panel">
      {error && !timeline ? <ErrorState error={error} what="/api/v1/tasks/{task_id}/timeline" /> : null}
      {!timeline && !error ? <p className="muted">{t("common.loading")}</p> : null}
      {timeline ? <Timeline timeline={timeline} raw={raw} onRaw={onRaw} /> : null}
    </Panel>
  );
}

function Trace({ detail, error, raw, onRaw }: { detail: RequestDetail | null; error: unknown; raw: boolean; onRaw: (raw: boolean) => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [q, setQ] = useState("");
  const steps = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (detail?.steps ?? []).filter((s) => !needle || JSON.stringify(s).toLowerCase().includes(needle));
  }, [detail, q]);
  if (error && !detail) return <Panel title={t("inspector.steps")}><ErrorState error={error} what="/api/v1/history/requests/{id}" /></Panel>;
  if (!detail) return <Panel title={t("inspector.steps")}><p className="muted">{t("common.loading")}</p></Panel>;
  const copy = async () => {
    await navigator.clipboard.writeText(JSON.stringify(detail, null, 2));
    toast(t("common.copied"), "success");
  };
  const routing = detail.routing_decision ?? null;
  return (
    <Panel
      title={t("inspector.steps")}
      testId="trace"
      actions={<>
        <RawToggle raw={raw} onRaw={onRaw} testId="raw-toggle" />
        <button type="button" className="btn btn--sm" onClick={() => void copy()} data-testid="copy-json">{t("common.copy")}</button>
      </>}
    >
      <dl className="kv">
        <dt>{t("inspector.prompt")}</dt><dd>{detail.prompt}</dd>
        <dt>{t("strategy.status")}</dt><dd><Badge tone={toneOf(detail.status)} testId="trace-status">{t(`status.${detail.status}` as TKey)}</Badge></dd>
        <dt>{t("inspector.intent")}</dt><dd>{detail.intent ?? detail.forced_intent ?? "—"}</dd>
        <dt>{t("inspector.route")}</dt><dd className="small">{routing ? <DetailValue value={routing} /> : detail.forced_tool ? `/${detail.forced_tool}` : "—"}</dd>
        <dt>{t("inspector.runtime")}</dt><dd>{detail.llm_provider ? `${detail.llm_provider} · ${detail.llm_model ?? ""}` : "—"}</dd>
        <dt>{t("inspector.duration")}</dt><dd>{typeof detail.duration_seconds === "number" ? `${(detail.duration_seconds * 1000).toFixed(0)} ms` : "—"}</dd>
        {detail.error_message ? (<><dt>{t("inspector.error")}</dt><dd className="bubble__error">{detail.error_code}: {detail.error_message}</dd></>) : null}
      </dl>
      <div className="filters">
        <input type="search" placeholder={t("inspector.filter")} aria-label={t("inspector.filter")} value={q} onChange={(e) => setQ(e.target.value)} />
        <span className="muted small">{steps.length} / {detail.steps.length}</span>
      </div>
      {steps.length === 0 ? <Empty text={t("inspector.noSteps")} /> : null}
      <ol className="timeline" data-testid="trace-steps">
        {steps.map((s, i) => <Step key={`${String(s.seq ?? i)}-${i}`} step={s} raw={raw} />)}
      </ol>
    </Panel>
  );
}

function Step({ step, raw }: { step: TraceStep; raw: boolean }) {
  const status = String(step.status ?? "ok");
  const details = detailsValue(step.details);
  const elapsed = typeof step.elapsed_ms === "number" ? step.elapsed_ms : null;
  return (
    <li className={`timeline__step timeline__step--${status === "error" ? "error" : "ok"}`} data-testid="trace-step">
      <div className="timeline__head">
        <strong>{String(step.component ?? "")}</strong>
        <span className="mono">{String(step.action ?? "")}</span>
        <Badge tone={status === "error" ? "danger" : status === "ok" ? "success" : toneOf(status)}>{status}</Badge>
        {elapsed !== null ? <span className="muted small">+{elapsed.toFixed(1)} ms</span> : null}
      </div>
      {isEmpty(details) ? null : raw ? (
        <pre className="raw-json">{typeof details === "string" ? details : JSON.stringify(details, null, 2)}</pre>
      ) : (
        <div className="timeline__details small"><DetailValue value={details} /></div>
      )}
    </li>
  );
}
