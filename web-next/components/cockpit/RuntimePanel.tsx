"use client";

import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { request } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import { useResource } from "@/lib/hooks/useResource";
import { isEvent } from "@/lib/ws";

interface RuntimeRow { provider: string; label?: string; available?: boolean; status?: string; reason?: string | null; model?: string | null; active?: boolean }
interface OptionsAnswer { runtimes?: RuntimeRow[] }
interface ModelsAnswer { models?: { name: string; provider?: string; active?: boolean }[] }

/**
 * Runtime and model choice (`/system/llm-runtime/options`, `/models`), each runtime with its
 * status (ready / loading / unavailable and why). Switching is an admin action; a refusal is shown.
 */
export function RuntimePanel() {
  const { t } = usePrefs();
  const toast = useToast();
  const { status, subscribe, refresh, online } = useLive();
  const live = online !== false;
  const options = useResource(() => request<OptionsAnswer>("get", "/api/v1/system/llm-runtime/options"), []);
  const models = useResource(() => request<ModelsAnswer>("get", "/api/v1/models"), []);
  const reloadOptions = options.reload;
  const reloadModels = models.reload;
  useEffect(() => subscribe((ev) => {
    if (isEvent(ev, "MODEL_INSTALL_PROGRESS")) {
      void reloadOptions();
      void reloadModels();
    }
  }), [subscribe, reloadOptions, reloadModels]);

  const runtimes = useMemo(() => options.data?.runtimes ?? [], [options.data]);
  const active = status?.llm_runtime;
  const [provider, setProvider] = useState("");
  const [model, setModel] = useState("");
  const [busy, setBusy] = useState(false);
  const chosen = provider || runtimes.find((r) => r.active)?.provider || active?.provider || runtimes[0]?.provider || "";
  const modelsOf = useMemo(() => {
    const names = (models.data?.models ?? []).filter((m) => !m.provider || m.provider === chosen).map((m) => m.name);
    const rtModel = runtimes.find((r) => r.provider === chosen)?.model;
    return [...new Set([...(rtModel ? [rtModel] : []), ...names])];
  }, [models.data, runtimes, chosen]);
  const chosenModel = model && modelsOf.includes(model) ? model : (modelsOf[0] ?? "");
  const row = runtimes.find((r) => r.provider === chosen);

  const activate = async () => {
    setBusy(true);
    try {
      await request("post", "/api/v1/system/llm-runtime/active", { body: { provider: chosen, model: chosenModel || undefined } });
      toast(t("runtime.switched", { model: chosenModel || chosen }), "success");
      await Promise.all([reloadOptions(), reloadModels(), refresh()]);
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title={t("runtime.title")} testId="runtime-panel">
      <dl className="kv">
        <dt>{t("runtime.provider")}</dt><dd data-testid="runtime-provider">{live ? (active?.provider ?? "—") : "—"}</dd>
        <dt>{t("runtime.model")}</dt><dd data-testid="runtime-model" className="mono small">{live ? (active?.model ?? "—") : "—"}</dd>
        <dt>{t("runtime.state")}</dt><dd><Badge tone={live ? toneOf(active?.status ?? "unknown") : "neutral"} testId="runtime-status">{live ? (active?.status ?? "—") : "—"}</Badge></dd>
      </dl>
      {!active?.model ? <p className="muted small">{t("runtime.unavailable")}</p> : null}
      <p className="small"><Link href="/models" data-testid="runtime-manage-models">{t("runtime.manage")}</Link></p>
      {options.error && !options.data ? (
        <ErrorState error={options.error} what="/api/v1/system/llm-runtime/options" />
      ) : runtimes.length > 0 ? (
        <div className="stack" style={{ gap: 6 }}>
          <div className="row">
            <label className="sr-only" htmlFor="runtime-select">{t("runtime.provider")}</label>
            <select id="runtime-select" data-testid="runtime-select" value={chosen} onChange={(e) => { setProvider(e.target.value); setModel(""); }}>
              {runtimes.map((r) => (
                <option key={r.provider} value={r.provider} disabled={r.available === false}>
                  {r.label ?? r.provider} · {r.status ?? (r.available ? "available" : "unavailable")}{r.active ? " ✓" : ""}
                </option>
              ))}
            </select>
          </div>
          <div className="row">
            <label className="sr-only" htmlFor="model-select">{t("runtime.model")}</label>
            <select id="model-select" data-testid="model-select" value={chosenModel} onChange={(e) => setModel(e.target.value)} disabled={modelsOf.length === 0}>
              {modelsOf.length === 0 ? <option value="">—</option> : modelsOf.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
            <button type="button" className="btn btn--sm" disabled={busy || !chosen || row?.available === false} onClick={() => void activate()} data-testid="model-activate">
              {busy ? t("runtime.activating") : t("runtime.activate")}
            </button>
          </div>
          {row?.reason ? <p className="muted small">{row.reason}</p> : null}
        </div>
      ) : null}
    </Panel>
  );
}
