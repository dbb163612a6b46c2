"use client";

import { useMemo, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { ErrorState } from "@/components/ui/States";
import { apiGet, apiPost } from "@/lib/api/client";
import type { ConfigBackup, RuntimeConfig } from "@/lib/api/types";
import { useResource } from "@/lib/hooks/useResource";

/** `GET /api/v1/config/runtime`: effective values (as text), where they come from, and saved-but-not-active ones. */
export type { RuntimeConfig };

const SECRET = /KEY|TOKEN|SECRET|PASSWORD/;
const show = (v: unknown) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

/** Save through the admin-only API; throws the API's refusal (403/409/422) as an ApiError. */
export async function saveConfig(updates: Record<string, string | null>): Promise<{ message: string }> {
  return apiPost("/api/v1/config/runtime", { body: { updates } });
}

export function PendingPanel({ config }: { config: RuntimeConfig }) {
  const { t } = usePrefs();
  const entries = Object.entries(config.pending);
  if (!entries.length && !config.pending_error) return null;
  return (
    <Panel title={t("config.pendingTitle")} testId="pending-changes">
      <p className="muted small">{t("config.pendingBody")}</p>
      {config.pending_error ? <p className="state state--error">{config.pending_error}</p> : null}
      <table className="params">
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k} data-testid="pending-row" data-key={k}>
              <td>{k}</td>
              <td className="mono">{show(config.config[k])} → <strong>{show(v)}</strong></td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

export function Params({ config, onChanged }: { config: RuntimeConfig; onChanged: () => void }) {
  const { t } = usePrefs();
  const [q, setQ] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const rows = useMemo(
    () => Object.entries(config.config).filter(([k, v]) => !q || `${k} ${show(v)}`.toLowerCase().includes(q.toLowerCase())),
    [config, q],
  );
  return (
    <>
      <div className="filters">
        <input type="search" placeholder={t("config.filter")} aria-label={t("config.filter")} value={q} onChange={(e) => setQ(e.target.value)} data-testid="param-filter" />
        <span className="muted small">{t("config.secretsMasked")}</span>
      </div>
      <table className="params">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k} data-testid="param-row" data-key={k}>
              <td>
                {k}
                {config.config_sources[k] && config.config_sources[k] !== "default" ? (
                  <> <Badge tone="neutral">{config.config_sources[k] === "env" ? t("config.sourceEnv") : t("config.sourceFile")}</Badge></>
                ) : null}
              </td>
              <td className="mono">
                {editing === k ? (
                  <ParamEditor name={k} value={v} fromFile={config.config_sources[k] === "env_file"} onDone={(saved) => { setEditing(null); if (saved) onChanged(); }} />
                ) : (
                  <span className="row">
                    <span>{show(v)}</span>
                    {k in config.pending ? <Badge tone="warning">{t("config.pendingBadge")}</Badge> : null}
                    <span className="spacer" />
                    {config.config_sources[k] !== "env" ? (
                      <button type="button" className="btn btn--ghost btn--sm" onClick={() => setEditing(k)} data-testid="param-edit">{t("config.edit")}</button>
                    ) : null}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ParamEditor({ name, value, fromFile, onDone }: { name: string; value: unknown; fromFile: boolean; onDone: (saved: boolean) => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const secret = SECRET.test(name);
  const [text, setText] = useState(secret ? "" : show(value));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (next: string | null) => {
    setBusy(true);
    setError(null);
    try {
      toast((await saveConfig({ [name]: next })).message || t("config.applied"), "success");
      onDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => { e.preventDefault(); void save(text); }} data-testid="param-editor">
      <input type={secret ? "password" : "text"} aria-label={name} value={text} autoFocus autoComplete="off"
        placeholder={secret ? t("config.newSecret") : undefined} onChange={(e) => setText(e.target.value)} data-testid="param-input" />
      <span className="row">
        <button type="submit" className="btn btn--sm" disabled={busy} data-testid="param-save">{t("config.save")}</button>
        {fromFile ? <button type="button" className="btn btn--ghost btn--sm" disabled={busy} onClick={() => void save(null)} data-testid="param-reset">{t("config.reset")}</button> : null}
        <button type="button" className="btn btn--ghost btn--sm" onClick={() => onDone(false)}>{t("common.cancel")}</button>
      </span>
      {error ? <ErrorState error={error} what={`POST /api/v1/config/runtime (${name})`} /> : null}
    </form>
  );
}

type Backup = ConfigBackup;

/** The env file's backups (one is made before every write); restoring one also applies at the next start. */
export function BackupsPanel({ version, onRestored }: { version: number; onRestored: () => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const list = useResource(() => apiGet("/api/v1/config/backups", { query: { limit: 10 } }), [version]);
  const [asking, setAsking] = useState<Backup | null>(null);
  const [error, setError] = useState<unknown>(null);
  const restore = async (filename: string) => {
    setAsking(null);
    setError(null);
    try {
      const res = await apiPost("/api/v1/config/restore", { body: { backup_filename: filename } });
      toast(res.message || t("config.applied"), "success");
      onRestored();
    } catch (err) {
      setError(err);
    }
  };
  const items: Backup[] = list.data?.backups ?? [];
  return (
    <Panel title={t("config.backups")} testId="config-backups">
      {list.error && !list.data ? <ErrorState error={list.error} what="/api/v1/config/backups" /> : null}
      {list.data && !items.length ? <p className="empty">{t("config.noBackups")}</p> : null}
      <ul className="list">
        {items.map((b) => (
          <li key={b.filename} className="list__row" data-testid="config-backup">
            <span className="row">
              <span className="mono small">{b.created_at}</span>
              <span className="spacer" />
              <button type="button" className="btn btn--ghost btn--sm" onClick={() => setAsking(b)} data-testid="config-restore">{t("config.restore")}</button>
            </span>
          </li>
        ))}
      </ul>
      {error ? <ErrorState error={error} what="POST /api/v1/config/restore" /> : null}
      <ConfirmDialog open={asking !== null} message={t("config.confirmRestore", { when: asking?.created_at ?? "" })} onConfirm={() => void (asking && restore(asking.filename))} onCancel={() => setAsking(null)} />
    </Panel>
  );
}
