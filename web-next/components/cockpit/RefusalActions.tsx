"use client";

/** Under an answer the autonomy level refused: allow it once for this task (an admin action that
 *  re-runs the request as a new task with the level it needed), or open the autonomy setting. */
import Link from "next/link";
import { useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import type { RefusalAction } from "@/lib/chat/store";

export function RefusalActions({ actions, onAllowOnce }: { actions: RefusalAction[]; onAllowOnce?: () => Promise<void> }) {
  const { t } = usePrefs();
  const [state, setState] = useState<"idle" | "busy" | "done">("idle");
  const [error, setError] = useState<string | null>(null);
  const setting = actions.find((a) => a.kind === "open_setting");
  const once = actions.find((a) => a.kind === "allow_once");
  const need = once ?? setting;
  if (!need) return null;
  const vars = { level: need.required_level, name: need.required_level_name };
  const allow = async () => {
    if (!onAllowOnce) return;
    setState("busy");
    setError(null);
    try {
      await onAllowOnce();
      setState("done");
    } catch (err) {
      setState("idle");
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="refusal-actions" data-testid="refusal-actions" data-required-level={need.required_level}>
      <span className="muted small">{t("refusal.needed", vars)}</span>
      <span className="refusal-actions__buttons">
        {once && onAllowOnce ? (
          <button type="button" className="btn btn--primary btn--sm" disabled={state !== "idle"} title={t("refusal.allowOnceTitle", vars)} onClick={() => void allow()} data-testid="refusal-allow-once" data-state={state}>
            {state === "done" ? t("refusal.allowed") : t("refusal.allowOnce")}
          </button>
        ) : null}
        {setting?.href ? (
          <Link className="btn btn--ghost btn--sm" href={setting.href} title={t("refusal.openSettingTitle", vars)} data-testid="refusal-open-setting">{t("refusal.openSetting")}</Link>
        ) : null}
      </span>
      {error ? <span className="state state--error small" role="alert" data-testid="refusal-error">{error}</span> : null}
    </div>
  );
}
