"use client";

import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { PageHeader, Panel } from "@/components/ui/Panel";
import { Empty, ErrorState } from "@/components/ui/States";
import { request } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import { useResource } from "@/lib/hooks/useResource";
import { hasPrefix, isEvent } from "@/lib/ws";

const STATUSES = ["PENDING", "IN_PROGRESS", "COMPLETED", "BLOCKED", "CANCELLED"] as const;

interface Item { id: string; title: string; description?: string; status: string; progress?: number; task_id?: string | null; tasks?: Item[] }
interface RoadmapView {
  vision: { id: string; title: string; description?: string; status: string; progress: number } | null;
  milestones: Item[];
  kpis: Record<string, number>;
}

/** Vision, milestones and tasks with progress; tasks go to the queue and follow the real task live. */
export function Strategy() {
  const { t } = usePrefs();
  const toast = useToast();
  const { subscribe } = useLive();
  const road = useResource(() => request<RoadmapView>("get", "/api/v1/roadmap"), []);
  const [vision, setVision] = useState("");
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<unknown>(null);
  const reload = road.reload;
  const tracked = useMemo(() => new Set((road.data?.milestones ?? []).flatMap((m) => (m.tasks ?? []).map((x) => x.task_id)).filter(Boolean)), [road.data]);
  const [live, setLive] = useState<Record<string, string>>({});

  useEffect(() => subscribe((ev) => {
    const id = ev.data.task_id ?? null;
    if (!id || !tracked.has(id)) return;
    if (hasPrefix(ev, "TASK_")) setLive((prev) => ({ ...prev, [id]: ev.type.replace("TASK_", "") }));
    if (isEvent(ev, "TASK_COMPLETED", "TASK_FAILED", "TASK_ABORTED")) setTimeout(() => void reload(), 300);
  }), [subscribe, reload, tracked]);

  const create = async () => {
    setCreating(true);
    setCreateError(null);
    try {
      await request("post", "/api/v1/roadmap/create", { body: { vision }, timeoutMs: 180_000 });
      setVision("");
      await reload();
    } catch (err) {
      setCreateError(err);
    } finally {
      setCreating(false);
    }
  };
  const run = async (item: Item) => {
    try {
      const res = await request<{ task_id: string }>("post", "/api/v1/roadmap/tasks/{item_id}/run", { params: { item_id: item.id } });
      toast(`${t("strategy.sent")}: #${res.task_id.slice(0, 6)}`, "success");
      await reload();
    } catch (err) {
      toast(messageOf(err), "error");
    }
  };
  const setStatus = async (item: Item, status: string) => {
    try {
      await request("patch", "/api/v1/roadmap/items/{item_id}", { params: { item_id: item.id }, body: { status } });
      await reload();
    } catch (err) {
      toast(messageOf(err), "error");
    }
  };

  const k = road.data?.kpis;
  return (
    <>
      <PageHeader title={t("strategy.title")} subtitle={t("strategy.subtitle")} />
      <div className="stack">
        <Panel title={t("strategy.vision")} testId="vision">
          {road.error && !road.data ? <ErrorState error={road.error} what="/api/v1/roadmap" /> : null}
          {road.data?.vision ? (
            <div className="stack" style={{ gap: 6 }}>
              <div className="row"><strong data-testid="vision-title">{road.data.vision.title}</strong><Badge tone={toneOf(road.data.vision.status)}>{road.data.vision.status}</Badge></div>
              {road.data.vision.description ? <p className="muted">{road.data.vision.description}</p> : null}
              <Progress value={road.data.vision.progress} />
            </div>
          ) : road.data ? <Empty text={t("strategy.empty")} /> : null}
          <form className="row" style={{ marginTop: 10 }} onSubmit={(e) => { e.preventDefault(); if (vision.trim()) void create(); }}>
            <input type="text" value={vision} onChange={(e) => setVision(e.target.value)} placeholder={t("strategy.visionPlaceholder")} aria-label={t("strategy.vision")} style={{ flex: 1 }} data-testid="vision-input" />
            <button type="submit" className="btn btn--primary" disabled={creating || !vision.trim()} data-testid="roadmap-create">{t("strategy.create")}</button>
          </form>
          {creating ? <p className="muted small" role="status">{t("strategy.creating")}</p> : null}
          {createError ? <ErrorState error={createError} what="POST /api/v1/roadmap/create" /> : null}
        </Panel>
        {k ? (
          <Panel title={t("strategy.kpis")} testId="kpis">
            <dl className="stats" style={{ gridTemplateColumns: "repeat(4, 1fr)" }}>
              <div><dt>{t("strategy.progress")}</dt><dd>{k.completion_rate ?? 0}%</dd></div>
              <div><dt>{t("strategy.milestones")}</dt><dd>{k.milestones_completed ?? 0} / {k.milestones_total ?? 0}</dd></div>
              <div><dt>{t("strategy.inProgress")}</dt><dd>{k.tasks_in_progress ?? 0}</dd></div>
              <div><dt>{t("strategy.blocked")}</dt><dd>{k.tasks_blocked ?? 0}</dd></div>
            </dl>
          </Panel>
        ) : null}
        <div className="grid-2" data-testid="milestones">
          {road.data?.milestones.map((m) => {
            const done = (m.tasks ?? []).filter((x) => x.status === "COMPLETED").length;
            return (
              <Panel key={m.id} title={m.title} actions={<Badge tone={toneOf(m.status)}>{m.status}</Badge>} testId="milestone" className="panel--data-title">
                {m.description ? <p className="muted small">{m.description}</p> : null}
                <Progress value={m.progress ?? 0} />
                <p className="muted small">{t("strategy.tasksDone", { done, total: (m.tasks ?? []).length })}</p>
                <ul className="list">
                  {(m.tasks ?? []).map((x) => (
                    <li key={x.id} className="list__row" data-testid="roadmap-task" data-status={x.status} data-item-id={x.id}>
                      <div className="list__link">
                        <span className="list__main">{x.title}</span>
                        <span className="list__meta">
                          <select aria-label={t("strategy.status")} value={x.status} disabled={!!x.task_id} data-testid="roadmap-status" onChange={(e) => void setStatus(x, e.target.value)}>
                            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
                          </select>
                          {x.task_id ? <Link className="small" href={`/inspector?id=${x.task_id}`}>#{x.task_id.slice(0, 6)}</Link> : null}
                          {x.task_id && live[x.task_id] ? <Badge tone={toneOf(live[x.task_id])} testId="task-live">{live[x.task_id]}</Badge> : null}
                          <span className="spacer" />
                          <button type="button" className="btn btn--sm" disabled={x.status === "IN_PROGRESS" || x.status === "COMPLETED"} onClick={() => void run(x)} data-testid="roadmap-run">{t("strategy.send")}</button>
                        </span>
                      </div>
                    </li>
                  ))}
                </ul>
              </Panel>
            );
          })}
        </div>
      </div>
    </>
  );
}

function Progress({ value }: { value: number }) {
  const v = Math.max(0, Math.min(100, value));
  return <div className="progress" role="progressbar" aria-valuenow={v} aria-valuemin={0} aria-valuemax={100}><span style={{ width: `${v}%` }} /></div>;
}
