"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge } from "@/components/ui/Badge";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { PageHeader, Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiDelete, apiGet, apiPatch, apiPost } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import { useResource } from "@/lib/hooks/useResource";
import { isEvent } from "@/lib/ws";
import { RUN_TONE, RunHistory } from "./RunHistory";
import { ScheduleForm } from "./ScheduleForm";
import { type Schedule, when } from "./time";

/** Automations: prompts run as ordinary tasks on a cron timetable (`/api/v1/schedules`). The list
 *  toggles, runs and deletes; the form adds and edits; the history shows the selected schedule's runs. */
export function Automations() {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const list = useResource(() => apiGet("/api/v1/schedules"), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Schedule | null>(null);
  const [removing, setRemoving] = useState<Schedule | null>(null);
  const [version, setVersion] = useState(0);
  // The switch shows the new state at once; the list's next load (after the PATCH) takes over.
  const [switching, setSwitching] = useState<Record<string, boolean>>({});
  const reload = list.reload;
  const items = list.data ?? [];
  const current = items.find((s) => s.id === selected) ?? null;
  const { subscribe } = useLive();

  // A run fired by the timetable creates a task whose request names its schedule: reload then. The
  // task is announced just before its run is marked submitted, hence the short wait.
  useEffect(() => {
    let later: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe((ev) => {
      if (!isEvent(ev, "TASK_CREATED") || typeof ev.data.request.schedule_id !== "string") return;
      clearTimeout(later);
      later = setTimeout(() => {
        void reload();
        setVersion((v) => v + 1);
      }, 500);
    });
    return () => {
      off();
      clearTimeout(later);
    };
  }, [subscribe, reload]);

  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      toast(messageOf(err), "error");
    }
    await reload();
    setVersion((v) => v + 1);
  };
  const toggle = async (s: Schedule, enabled: boolean) => {
    setSwitching((m) => ({ ...m, [s.id]: enabled }));
    await act(() => apiPatch("/api/v1/schedules/{schedule_id}", { params: { schedule_id: s.id }, body: { enabled } }));
    setSwitching(({ [s.id]: _done, ...rest }) => rest);
  };
  const runNow = (s: Schedule) => act(async () => {
    setSelected(s.id);
    const run = await apiPost("/api/v1/schedules/{schedule_id}/run", { params: { schedule_id: s.id } });
    toast(`${t("automations.ran")}: ${t(`automations.status.${run.status}`)}${run.task_id ? ` #${run.task_id.slice(0, 6)}` : ""}`, run.status === "failed" ? "error" : "success");
  });
  const remove = (s: Schedule) => act(async () => {
    setRemoving(null);
    await apiDelete("/api/v1/schedules/{schedule_id}", { params: { schedule_id: s.id } });
    if (selected === s.id) setSelected(null);
    if (editing?.id === s.id) setEditing(null);
  });
  const saved = (s: Schedule) => {
    setSelected(s.id);
    if (editing) setEditing(s);
    void reload();
  };

  return (
    <>
      <PageHeader title={t("automations.title")} subtitle={t("automations.subtitle")} />
      <div className="split automations">
        <Panel title={editing ? t("automations.editTitle") : t("automations.addTitle")} testId="schedule-editor">
          <ScheduleForm key={editing?.id ?? "new"} editing={editing} onSaved={saved} onCancel={() => setEditing(null)} />
        </Panel>
        <div className="stack">
          <Panel title={t("automations.list")} testId="schedules"
            actions={<button type="button" className="btn btn--ghost btn--sm" onClick={() => void reload()}>{t("common.refresh")}</button>}>
            {list.error && !list.data ? <ErrorState error={list.error} what="/api/v1/schedules" /> : null}
            {list.data && !items.length ? <p className="empty">{t("automations.empty")}</p> : null}
            <ul className="list">
              {items.map((s) => (
                <li key={s.id} className={`list__row schedule${s.id === selected ? " list__row--active" : ""}`} data-testid="schedule-row" data-id={s.id} data-enabled={s.enabled}>
                  <button type="button" className="list__btn" onClick={() => setSelected(s.id)} aria-pressed={s.id === selected} data-testid="schedule-select">
                    <span className="list__main"><strong>{s.name || s.content}</strong></span>
                    <span className="list__meta">
                      <code className="small" data-testid="schedule-cron-text">{s.cron}</code>
                      <span className="muted small">{s.timezone}</span>
                    </span>
                  </button>
                  <div className="schedule__info small">
                    <span data-testid="schedule-next">
                      <span className="muted">{t("automations.next")}:</span>{" "}
                      {s.enabled && s.next_runs[0] ? <time dateTime={s.next_runs[0]} title={`${when(s.next_runs[0], lang, s.timezone)} (${s.timezone})`}>{when(s.next_runs[0], lang)}</time> : t("automations.paused")}
                    </span>
                    <span data-testid="schedule-last">
                      <span className="muted">{t("automations.last")}:</span>{" "}
                      {s.last_run ? (
                        <>
                          <Badge tone={RUN_TONE[s.last_run.status]}>{t(`automations.status.${s.last_run.status}`)}</Badge>{" "}
                          {when(s.last_run.fired_at, lang)}{" "}
                          {s.last_run.task_id ? <Link className="mono" href={`/inspector?id=${s.last_run.task_id}`} data-testid="schedule-last-task">#{s.last_run.task_id.slice(0, 6)}</Link> : null}
                        </>
                      ) : t("automations.never")}
                    </span>
                  </div>
                  <div className="row schedule__actions">
                    <label className="check small">
                      <input type="checkbox" role="switch" checked={switching[s.id] ?? s.enabled} disabled={s.id in switching} onChange={(e) => void toggle(s, e.target.checked)} data-testid="schedule-toggle" />
                      {t("automations.enabled")}
                    </label>
                    <span className="spacer" />
                    <button type="button" className="btn btn--sm" onClick={() => void runNow(s)} data-testid="schedule-run">{t("automations.runNow")}</button>
                    <button type="button" className="btn btn--ghost btn--sm" onClick={() => setEditing(s)} data-testid="schedule-edit">{t("automations.edit")}</button>
                    <button type="button" className="btn btn--danger btn--sm" onClick={() => setRemoving(s)} data-testid="schedule-delete">{t("common.delete")}</button>
                  </div>
                </li>
              ))}
            </ul>
          </Panel>
          {current ? <RunHistory schedule={current} version={version} /> : null}
        </div>
      </div>
      <ConfirmDialog open={!!removing} danger message={t("automations.confirmDelete", { name: removing?.name || removing?.cron || "" })}
        onConfirm={() => { if (removing) void remove(removing); }} onCancel={() => setRemoving(null)} />
    </>
  );
}
