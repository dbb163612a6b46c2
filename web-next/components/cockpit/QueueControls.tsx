"use client";

import { useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge } from "@/components/ui/Badge";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { Panel } from "@/components/ui/Panel";
import { apiPost } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import type { TKey } from "@/lib/i18n";

type Action = "pause" | "resume" | "purge" | "emergency-stop";
const ACTIONS: { action: Action; path: `/api/v1/queue/${Action}`; label: TKey; confirm: TKey; danger?: boolean }[] = [
  { action: "pause", path: "/api/v1/queue/pause", label: "queue.pause", confirm: "queue.confirmPause" },
  { action: "resume", path: "/api/v1/queue/resume", label: "queue.resume", confirm: "queue.confirmResume" },
  { action: "purge", path: "/api/v1/queue/purge", label: "queue.purge", confirm: "queue.confirmPurge", danger: true },
  { action: "emergency-stop", path: "/api/v1/queue/emergency-stop", label: "queue.emergencyStop", confirm: "queue.confirmEmergencyStop", danger: true },
];

/** Pause, resume, purge and emergency stop; every action asks first and reports the API's answer. */
export function QueueControls() {
  const { t } = usePrefs();
  const toast = useToast();
  const { queue, online, refresh } = useLive();
  const [pending, setPending] = useState<(typeof ACTIONS)[number] | null>(null);

  const run = async (a: (typeof ACTIONS)[number]) => {
    setPending(null);
    try {
      await apiPost(a.path);
      toast(t("queue.done", { what: t(a.label) }), "success");
    } catch (err) {
      toast(messageOf(err), "error");
    }
    await refresh();
  };

  const off = online === false || !queue;
  return (
    <Panel title={t("queue.title")} testId="queue-panel" actions={queue && online !== false ? <Badge tone={queue.paused ? "warning" : "success"} testId="queue-state">{t(queue.paused ? "queue.paused" : "queue.running")}</Badge> : null}>
      <dl className="stats">
        <div><dt>{t("queue.active")}</dt><dd data-testid="queue-active">{off ? "—" : queue.active}</dd></div>
        <div><dt>{t("queue.pending")}</dt><dd data-testid="queue-pending">{off ? "—" : queue.pending}</dd></div>
        <div><dt>{t("queue.limit")}</dt><dd>{off ? "—" : queue.limit}</dd></div>
      </dl>
      <div className="btn-row">
        {ACTIONS.map((a) => (
          <button key={a.action} type="button" className={`btn btn--sm${a.danger ? " btn--danger" : ""}`} disabled={off} onClick={() => setPending(a)} data-testid={`queue-${a.action}`}>
            {t(a.label)}
          </button>
        ))}
      </div>
      <ConfirmDialog open={pending !== null} message={pending ? t(pending.confirm) : ""} danger={pending?.danger} onCancel={() => setPending(null)} onConfirm={() => pending && void run(pending)} />
    </Panel>
  );
}
