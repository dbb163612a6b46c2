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
import { GROUPS, grouped, type GroupId } from "./groups";
import { RestartControl } from "./RestartControl";

/** `GET /api/v1/config/runtime`: effective values (as text), where they come from, and saved-but-not-active ones. */
export type { RuntimeConfig };

const SECRET = /KEY|TOKEN|SECRET|PASSWORD/;
const show = (v: unknown) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

/** Save through the admin-only API; throws the API's refusal (403/409/422) as an ApiError. */
export async function saveConfig(updates: Record<string, string | null>): Promise<{ message: string }> {
  return apiPost("/api/v1/config/runtime", { body: { updates } });
}

export function PendingPanel({ config, onRestarted }: { config: RuntimeConfig; onRestarted: () => void }) {
  const { t } = usePrefs();
  const entries = Object.entries(config.pending);
  if (!entries.length && !config.pending_error) return null;
  return (
    <Panel title={t("config.pendingTitle")} testId="pending-changes">
      <p className="muted small">{t("config.pendingBody")}</p>
      {entries.length ? <p className="cfg-restart" data-testid="pending-restart">{t("cfgGroups.restartHow")}</p> : null}
      {entries.length && !config.pending_error ? <RestartControl onRestarted={onRestarted} /> : null}
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

/** The settings grouped by area (components/config/groups.ts), each area with a one-line description;
 *  the filter matches a setting's name, value and description (the server's, from the setting's own field)
 *  and its area's title and description. */
export function Params({ config, onChanged }: { config: RuntimeConfig; onChanged: () => void }) {
  const { t } = usePrefs();
  const [q, setQ] = useState("");
  const [area, setArea] = useState<GroupId | "">("");
  const [editing, setEditing] = useState<string | null>(null);
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return grouped(Object.keys(config.config))
      .filter(([id]) => !area || id === area)
      .map(([id, names]): [GroupId, string[]] => {
        const about = `${t(`cfgGroups.items.${id}.title`)} ${t(`cfgGroups.items.${id}.desc`)}`.toLowerCase();
        return [id, needle && !about.includes(needle) ? names.filter((k) => `${k} ${show(config.config[k])} ${config.descriptions[k] ?? ""}`.toLowerCase().includes(needle)) : names];
      })
      .filter(([, names]) => names.length > 0);
  }, [config, q, area, t]);
  const pendingCount = Object.keys(config.pending).length;
  return (
    <>
      <div className="filters">
        <input type="search" placeholder={t("config.filter")} aria-label={t("config.filter")} value={q} onChange={(e) => setQ(e.target.value)} data-testid="param-filter" />
        <select aria-label={t("cfgGroups.area")} value={area} onChange={(e) => setArea(e.target.value as GroupId | "")} data-testid="param-area">
          <option value="">{t("cfgGroups.allAreas")}</option>
          {GROUPS.map((g) => <option key={g.id} value={g.id}>{t(`cfgGroups.items.${g.id}.title`)}</option>)}
        </select>
        <span className="muted small">{t("config.secretsMasked")}</span>
      </div>
      {pendingCount ? <p className="cfg-restart" role="status" data-testid="restart-note">{t("cfgGroups.restartNote", { n: pendingCount })}</p> : null}
      {!groups.length ? <p className="empty" data-testid="param-no-match">{t("cfgGroups.noMatch")}</p> : null}
      {groups.map(([id, names]) => {
        const waiting = names.filter((k) => k in config.pending).length;
        return (
          <section key={id} className="cfg-group" data-testid="config-group" data-group={id} aria-labelledby={`cfg-${id}`}>
            <div className="row cfg-group__head">
              <h3 id={`cfg-${id}`} className="cfg-group__title">{t(`cfgGroups.items.${id}.title`)}</h3>
              <Badge>{names.length}</Badge>
              {waiting ? <Badge tone="warning" testId="group-restart">{t("cfgGroups.restartBadge", { n: waiting })}</Badge> : null}
            </div>
            <p className="muted small cfg-group__desc" data-testid="config-group-desc">{t(`cfgGroups.items.${id}.desc`)}</p>
            <table className="params">
              <tbody>
                {names.map((k) => (
                  <ParamRow key={k} name={k} config={config} editing={editing === k} onEdit={() => setEditing(k)}
                    onDone={(saved) => { setEditing(null); if (saved) onChanged(); }} />
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </>
  );
}

function ParamRow({ name: k, config, editing, onEdit, onDone }: { name: string; config: RuntimeConfig; editing: boolean; onEdit: () => void; onDone: (saved: boolean) => void }) {
  const { t } = usePrefs();
  const v = config.config[k];
  return (
    <tr data-testid="param-row" data-key={k}>
      <td>
        {k}
        {config.config_sources[k] && config.config_sources[k] !== "default" ? (
          <> <Badge tone="neutral">{config.config_sources[k] === "env" ? t("config.sourceEnv") : t("config.sourceFile")}</Badge></>
        ) : null}
        {config.descriptions[k] ? <div className="muted small param__desc" data-testid="param-desc">{config.descriptions[k]}</div> : null}
      </td>
      <td className="mono">
        {editing ? (
          <ParamEditor name={k} value={v} fromFile={config.config_sources[k] === "env_file"} onDone={onDone} />
        ) : (
          <span className="row">
            <span>{show(v)}</span>
            {k in config.pending ? <Badge tone="warning">{t("config.pendingBadge")}</Badge> : null}
            <span className="spacer" />
            {config.config_sources[k] !== "env" ? (
              <button type="button" className="btn btn--ghost btn--sm" onClick={onEdit} aria-label={t("cfgGroups.editLabel", { name: k })} data-testid="param-edit">{t("config.edit")}</button>
            ) : null}
          </span>
        )}
      </td>
    </tr>
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
