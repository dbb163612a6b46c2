"use client";

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { PageHeader, Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiGet, apiPost, request } from "@/lib/api/client";
import type { AutonomyInfo, ServiceHealth } from "@/lib/api/types";
import { useResource } from "@/lib/hooks/useResource";
import { AuditPanel } from "./AuditPanel";
import { BackupsPanel, PendingPanel, Params, saveConfig, type RuntimeConfig } from "./ParamsPanel";
import { hasPrefix, isEvent } from "@/lib/ws";

const PROFILES = ["light", "llm_off", "full"] as const;
const OLLAMA_PROFILES = ["balanced-12-24gb", "low-vram-8-12gb", "max-context-24gb-plus"] as const;
const AUTONOMY = [
  { level: 0, name: "ISOLATED" },
  { level: 10, name: "CONNECTED" },
  { level: 20, name: "FUNDED" },
  { level: 30, name: "BUILDER" },
  { level: 40, name: "ROOT" },
];

export function ConfigScreen() {
  const { t } = usePrefs();
  const { subscribe } = useLive();
  // TEMPORARY: /system/services is typed on another branch of issue 12; then this becomes apiGet.
  const services = useResource(() => request<ServiceHealth[]>("get", "/api/v1/system/services"), []);
  const config = useResource<RuntimeConfig>(() => apiGet("/api/v1/config/runtime"), []);
  // Bumped by every write: the backups list changes with it.
  const [saved, setSaved] = useState(0);
  const reloadConfig = config.reload;
  const changed = useCallback(() => {
    setSaved((n) => n + 1);
    void reloadConfig();
  }, [reloadConfig]);
  const reloadServices = services.reload;
  useEffect(() => subscribe((ev) => {
    if (hasPrefix(ev, "QUEUE_") || isEvent(ev, "EMERGENCY_STOP")) void reloadServices();
  }), [subscribe, reloadServices]);

  return (
    <>
      <PageHeader title={t("config.title")} subtitle={t("config.subtitle")} />
      <div className="stack">
        <Panel title={t("config.services")} testId="services" actions={<button type="button" className="btn btn--ghost btn--sm" onClick={() => void reloadServices()}>{t("common.refresh")}</button>}>
          {services.error && !services.data ? <ErrorState error={services.error} what="/api/v1/system/services" /> : null}
          <div className="tiles">
            {services.data?.map((s) => (
              <div key={s.name} className="tile" data-testid="service-tile" data-status={s.status}>
                <div className="row"><strong>{s.name}</strong><span className="spacer" /><Badge tone={toneOf(s.status)}>{s.status}</Badge></div>
                <span className="muted small">{s.type}{s.is_critical ? ` · ${t("config.critical")}` : ""}{typeof s.latency_ms === "number" ? ` · ${t("config.latency")} ${s.latency_ms.toFixed(1)} ms` : ""}</span>
                {s.detail !== undefined && s.detail !== null ? <span className="mono small muted">{typeof s.detail === "string" ? s.detail : JSON.stringify(s.detail)}</span> : null}
              </div>
            ))}
          </div>
        </Panel>
        <div className="grid-2">
          <div className="stack">
            <ProfilePanel config={config.data} onChanged={changed} />
            <AutonomyPanel />
            <BackupsPanel version={saved} onRestored={changed} />
            <AuditPanel />
          </div>
          <div className="stack">
            {config.data ? <PendingPanel config={config.data} onRestarted={changed} /> : null}
            <Panel title={t("config.parameters")} testId="parameters">
              {config.error && !config.data ? <ErrorState error={config.error} what="/api/v1/config/runtime" /> : null}
              {config.data ? <Params config={config.data} onChanged={changed} /> : null}
            </Panel>
          </div>
        </div>
      </div>
    </>
  );
}

/** Runtime and Ollama profiles. A saved choice applies at the next start, so the control shows the
 *  saved (pending) value and marks it; the running value stays visible in the parameters. */
function ProfilePanel({ config, onChanged }: { config: RuntimeConfig | null; onChanged: () => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [error, setError] = useState<unknown>(null);
  const str = (key: string) => {
    const v = config?.pending[key] ?? config?.config[key];
    return typeof v === "string" ? v : "";
  };
  const current = str("VENOM_RUNTIME_PROFILE");
  const ollama = str("VENOM_OLLAMA_PROFILE");
  const apply = async (key: string, value: string) => {
    setError(null);
    try {
      toast((await saveConfig({ [key]: value })).message || t("config.applied"), "success");
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Panel title={t("config.profile")} testId="runtime-profile">
      <div className="segmented" role="radiogroup" aria-label={t("config.profile")}>
        {PROFILES.map((p) => (
          <button key={p} type="button" role="radio" aria-checked={current === p} className={current === p ? "on" : ""} onClick={() => void apply("VENOM_RUNTIME_PROFILE", p)} data-testid={`profile-${p}`}>{p}</button>
        ))}
      </div>
      <p className="muted small">{t("config.ollamaProfile")}</p>
      <select aria-label={t("config.ollamaProfile")} data-testid="ollama-profile" value={ollama} onChange={(e) => void apply("VENOM_OLLAMA_PROFILE", e.target.value)}>
        {[...new Set([ollama, ...OLLAMA_PROFILES])].filter(Boolean).map((p) => <option key={p} value={p}>{p}</option>)}
      </select>
      {error ? <ErrorState error={error} what="POST /api/v1/config/runtime" /> : null}
    </Panel>
  );
}

const noSubscription = () => () => undefined;

function AutonomyPanel() {
  const { t } = usePrefs();
  const toast = useToast();
  const res = useResource<AutonomyInfo>(() => apiGet("/api/v1/system/autonomy"), []);
  const [error, setError] = useState<unknown>(null);
  const level = res.data?.current_level;
  // Opened from a refused answer ("Open setting": ?focus=autonomy&level=N): show the control and the level needed.
  // (The query is read on the client only: the server renders the page without it.)
  const search = useSyncExternalStore(noSubscription, () => window.location.search, () => "");
  const query = new URLSearchParams(search);
  const want = Number(query.get("level"));
  const needed = query.get("focus") === "autonomy" && AUTONOMY.some((a) => a.level === want) ? want : null;
  const select = useRef<HTMLSelectElement>(null);
  const loaded = res.data !== null;
  useEffect(() => {
    if (needed === null || !loaded) return;
    select.current?.closest("section")?.scrollIntoView({ block: "center" });
    select.current?.focus();
  }, [needed, loaded]);
  const neededName = AUTONOMY.find((a) => a.level === needed)?.name ?? "";
  const set = async (value: number) => {
    setError(null);
    try {
      await apiPost("/api/v1/system/autonomy", { body: { level: value as AutonomyInfo["current_level"] } });
      toast(t("config.applied"), "success");
      await res.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Panel title={t("config.autonomy")} testId="autonomy" className={needed !== null ? "panel--focused" : undefined}>
      {res.error && !res.data ? (
        <ErrorState error={res.error} what="/api/v1/system/autonomy" />
      ) : (
        <select ref={select} aria-label={t("config.autonomy")} value={level ?? ""} onChange={(e) => void set(Number(e.target.value))} data-testid="autonomy-select">
          {level === undefined ? <option value="">—</option> : null}
          {AUTONOMY.map((a) => <option key={a.level} value={a.level}>{a.level} · {a.name}</option>)}
        </select>
      )}
      {needed !== null && (level ?? 0) < needed ? <p className="muted small autonomy-needed" data-testid="autonomy-needed">{t("refusal.needed", { level: needed, name: neededName })}</p> : null}
      {error ? <ErrorState error={error} what="POST /api/v1/system/autonomy" /> : null}
    </Panel>
  );
}
