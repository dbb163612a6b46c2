"use client";

/** Restart the backend so the saved settings apply (admin): confirm, `POST /api/v1/system/restart`, then
 *  wait until the readiness route answers with another boot id (a new process) and reload the config.
 *  The live feed reconnects by itself; only this screen's data needs reading again. */
import { useEffect, useRef, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { ErrorState } from "@/components/ui/States";
import { apiGet, apiPost } from "@/lib/api/client";

const WAIT_S = 120; // a restart loads the models again; a slow machine takes a while
const POLL_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function RestartControl({ onRestarted }: { onRestarted: () => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [asking, setAsking] = useState(false);
  const [phase, setPhase] = useState<"idle" | "restarting" | "timeout">("idle");
  const [error, setError] = useState<unknown>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const restart = async () => {
    setAsking(false);
    setError(null);
    let old: string;
    try {
      old = (await apiPost("/api/v1/system/restart", { body: { confirm: true } })).boot_id;
    } catch (err) {
      setError(err);
      return;
    }
    setPhase("restarting");
    const deadline = Date.now() + WAIT_S * 1000;
    while (mounted.current && Date.now() < deadline) {
      await sleep(POLL_MS);
      try {
        const status = await apiGet("/api/v1/system/status");
        if (status.boot_id && status.boot_id !== old) {
          if (!mounted.current) return;
          setPhase("idle");
          toast(t("restart.done"), "success");
          onRestarted();
          return;
        }
      } catch {
        /* the backend is down while it restarts */
      }
    }
    if (mounted.current) setPhase("timeout");
  };

  return (
    <div className="restart-control" data-testid="restart-control" data-phase={phase}>
      <button type="button" className="btn btn--primary btn--sm" disabled={phase === "restarting"} onClick={() => setAsking(true)} data-testid="restart-button">
        {t("restart.button")}
      </button>
      {phase === "restarting" ? <span className="muted small" role="status" data-testid="restart-waiting">{t("restart.restarting")}</span> : null}
      {phase === "timeout" ? <span className="state state--error small" role="alert">{t("restart.timeout", { s: WAIT_S })}</span> : null}
      {error ? <ErrorState error={error} what="POST /api/v1/system/restart" /> : null}
      <ConfirmDialog open={asking} message={t("restart.confirm")} danger onConfirm={() => void restart()} onCancel={() => setAsking(false)} />
    </div>
  );
}
