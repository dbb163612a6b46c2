"use client";

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

interface ModelRow { name: string; provider: string; active: boolean; status?: string }
interface ModelsAnswer { models?: { name: string; provider?: string; source?: string; active?: boolean; status?: string }[] }
interface OptionsAnswer { runtimes?: { id?: string; provider?: string; name?: string; available?: boolean; models?: (string | { name: string })[] }[] }

/** Runtime and model choice, with the active model's loading state from the live status. */
export function RuntimePanel() {
  const { t } = usePrefs();
  const toast = useToast();
  const { status, subscribe, refresh } = useLive();
  const models = useResource(() => request<ModelsAnswer>("get", "/api/v1/models"), []);
  const options = useResource(() => request<OptionsAnswer>("get", "/api/v1/system/llm-runtime/options"), []);
  const reloadModels = models.reload;
  useEffect(() => subscribe((ev) => {
    if (ev.type.startsWith("MODEL_") || ev.type.startsWith("RUNTIME_")) void reloadModels();
  }), [subscribe, reloadModels]);

  const rows: ModelRow[] = useMemo(() => {
    const list = models.data?.models ?? [];
    if (list.length) return list.map((m) => ({ name: m.name, provider: m.provider ?? m.source ?? "", active: !!m.active, status: m.status }));
    return (options.data?.runtimes ?? []).flatMap((r) =>
      (r.models ?? []).map((m) => ({ name: typeof m === "string" ? m : m.name, provider: r.provider ?? r.id ?? r.name ?? "", active: false })),
    );
  }, [models.data, options.data]);
  const active = status?.llm_runtime;
  const [choice, setChoice] = useState("");
  const [busy, setBusy] = useState(false);
  const selected = choice || rows.find((r) => r.active)?.name || rows[0]?.name || "";

  const activate = async () => {
    const row = rows.find((r) => r.name === selected);
    if (!row) return;
    setBusy(true);
    try {
      await request("post", "/api/v1/models/switch", { body: { name: row.name, provider: row.provider || undefined } });
      toast(t("runtime.switched", { model: row.name }), "success");
      await Promise.all([reloadModels(), refresh()]);
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title={t("runtime.title")} testId="runtime-panel">
      <dl className="stats">
        <div><dt>{t("runtime.provider")}</dt><dd data-testid="runtime-provider">{active?.provider ?? "—"}</dd></div>
        <div><dt>{t("runtime.model")}</dt><dd data-testid="runtime-model">{active?.model ?? "—"}</dd></div>
        <div><dt>{t("runtime.state")}</dt><dd><Badge tone={toneOf(active?.status ?? "unknown")} testId="runtime-status">{active?.status ?? "—"}</Badge></dd></div>
      </dl>
      {!active?.model ? <p className="muted small">{t("runtime.unavailable")}</p> : null}
      {models.error && options.error ? (
        <ErrorState error={models.error} what="/api/v1/models" />
      ) : rows.length > 0 ? (
        <div className="row">
          <label className="sr-only" htmlFor="model-select">{t("runtime.model")}</label>
          <select id="model-select" data-testid="model-select" value={selected} onChange={(e) => setChoice(e.target.value)}>
            {rows.map((r) => (
              <option key={`${r.provider}:${r.name}`} value={r.name}>{r.provider ? `${r.provider} · ` : ""}{r.name}{r.active ? " ✓" : ""}</option>
            ))}
          </select>
          <button type="button" className="btn btn--sm" disabled={busy || !selected} onClick={() => void activate()} data-testid="model-activate">
            {busy ? t("runtime.activating") : t("runtime.activate")}
          </button>
        </div>
      ) : null}
    </Panel>
  );
}
