"use client";

import Link from "next/link";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge, type Tone } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiGet } from "@/lib/api/client";
import { useResource } from "@/lib/hooks/useResource";
import { type Run, type Schedule, when } from "./time";

export const RUN_TONE: Record<Run["status"], Tone> = { claimed: "info", submitted: "success", skipped: "warning", failed: "danger" };

/** A schedule's runs, newest first (`GET /api/v1/schedules/{id}/runs`); `version` reloads it. */
export function RunHistory({ schedule, version }: { schedule: Schedule; version: number }) {
  const { t, lang } = usePrefs();
  const runs = useResource(() => apiGet("/api/v1/schedules/{schedule_id}/runs", { params: { schedule_id: schedule.id }, query: { limit: 50 } }), [schedule.id, version]);
  return (
    <Panel title={t("automations.history", { name: schedule.name || schedule.cron })} testId="run-history"
      actions={<button type="button" className="btn btn--ghost btn--sm" onClick={() => void runs.reload()} data-testid="runs-refresh">{t("common.refresh")}</button>}>
      {runs.error && !runs.data ? <ErrorState error={runs.error} what="/api/v1/schedules/{id}/runs" /> : null}
      {runs.data && !runs.data.runs.length ? <p className="empty">{t("automations.noRuns")}</p> : null}
      <ul className="list">
        {runs.data?.runs.map((r) => (
          <li key={r.id} className="list__row run" data-testid="run-row" data-status={r.status} data-trigger={r.trigger}>
            <span className="row">
              <Badge tone={RUN_TONE[r.status]} testId="run-status">{t(`automations.status.${r.status}`)}</Badge>
              <Badge testId="run-trigger">{t(`automations.trigger.${r.trigger}`)}</Badge>
              <span className="spacer" />
              {r.task_id ? <Link className="small mono" href={`/inspector?id=${r.task_id}`} data-testid="run-task" title={t("automations.openTask")}>#{r.task_id.slice(0, 6)}</Link> : null}
            </span>
            <span className="muted small">
              {t("automations.due")} {when(r.due_at, lang)} · {t("automations.fired")} {when(r.fired_at, lang)}
            </span>
            {r.error ? <span className="small run__error" data-testid="run-error">{r.error}</span> : null}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
