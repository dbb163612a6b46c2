"use client";

import { useEffect, useRef, useState } from "react";
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

/** Pause and resume in view; purge and emergency stop behind a menu (they cancel work, so they are
 *  not one stray click away). Every action asks first and reports the API's answer. */
export function QueueControls() {
  const { t } = usePrefs();
  const toast = useToast();
  const { queue, online, refresh } = useLive();
  const [pending, setPending] = useState<(typeof ACTIONS)[number] | null>(null);
  const [menu, setMenu] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const moreRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!menu) return;
    const onDown = (e: PointerEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) setMenu(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setMenu(false);
      moreRef.current?.focus();
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey);
    menuRef.current?.querySelector<HTMLButtonElement>("[role=menuitem]")?.focus();
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [menu]);

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
        {ACTIONS.filter((a) => !a.danger).map((a) => (
          <button key={a.action} type="button" className="btn btn--sm" disabled={off} onClick={() => setPending(a)} data-testid={`queue-${a.action}`}>
            {t(a.label)}
          </button>
        ))}
        <div className="menu" ref={menuRef}>
          <button ref={moreRef} type="button" className="btn btn--sm btn--ghost" aria-haspopup="menu" aria-expanded={menu} aria-controls="queue-menu" disabled={off} onClick={() => setMenu((o) => !o)} data-testid="queue-more">
            {t("queue.more")} ▾
          </button>
          {menu ? (
            <div className="menu__list" role="menu" id="queue-menu" aria-label={t("queue.more")} data-testid="queue-menu">
              {ACTIONS.filter((a) => a.danger).map((a) => (
                <button key={a.action} type="button" role="menuitem" className="menu__item menu__item--danger" onClick={() => { setMenu(false); setPending(a); }} data-testid={`queue-${a.action}`}>
                  {t(a.label)}
                </button>
              ))}
            </div>
          ) : null}
        </div>
      </div>
      <ConfirmDialog open={pending !== null} message={pending ? t(pending.confirm) : ""} danger={pending?.danger} onCancel={() => setPending(null)} onConfirm={() => pending && void run(pending)} />
    </Panel>
  );
}
