"use client";

import { useId, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { ErrorState } from "@/components/ui/States";
import { apiPatch, apiPost } from "@/lib/api/client";
import { PRESETS, type Schedule, useBrowserZone, useZones, when } from "./time";

interface Draft {
  name: string;
  cron: string;
  timezone: string | null;
  content: string;
  session_id: string;
  catch_up: "once" | "skip";
  enabled: boolean;
}

const blank: Draft = { name: "", cron: "0 9 * * 1-5", timezone: null, content: "", session_id: "", catch_up: "once", enabled: true };

function draftOf(s: Schedule): Draft {
  return { name: s.name, cron: s.cron, timezone: s.timezone, content: s.content, session_id: s.session_id ?? "", catch_up: s.catch_up, enabled: s.enabled };
}

/** Add or edit a schedule. The API validates cron and time zone; its 422 sentence is shown here.
 *  After a save, the next three run times the API computed are shown, in the schedule's zone. */
export function ScheduleForm({ editing, onSaved, onCancel }: { editing: Schedule | null; onSaved: (s: Schedule) => void; onCancel: () => void }) {
  const { t, lang } = usePrefs();
  const browserZone = useBrowserZone();
  const zones = useZones();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => (editing ? draftOf(editing) : blank));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<Schedule | null>(null);
  const zone = draft.timezone ?? browserZone;
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const preset = PRESETS.find((p) => p.cron === draft.cron.trim())?.key ?? "";

  const submit = async () => {
    setSaving(true);
    setError(null);
    setSaved(null);
    const body = { name: draft.name.trim(), cron: draft.cron.trim(), timezone: zone.trim(), content: draft.content, session_id: draft.session_id.trim() || null, catch_up: draft.catch_up, enabled: draft.enabled };
    try {
      const s = editing
        ? await apiPatch("/api/v1/schedules/{schedule_id}", { params: { schedule_id: editing.id }, body })
        : await apiPost("/api/v1/schedules", { body });
      setSaved(s);
      if (!editing) setDraft({ ...blank, timezone: draft.timezone });
      onSaved(s);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="form" aria-labelledby={`${id}-title`} data-testid="schedule-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <p id={`${id}-title`} className="sr-only">{editing ? t("automations.editTitle") : t("automations.addTitle")}</p>
      <label className="field">
        <span>{t("automations.name")}</span>
        <input type="text" value={draft.name} onChange={(e) => set("name", e.target.value)} placeholder={t("automations.namePlaceholder")} data-testid="schedule-name" />
      </label>
      <label className="field">
        <span>{t("automations.prompt")}</span>
        <textarea value={draft.content} onChange={(e) => set("content", e.target.value)} required placeholder={t("automations.promptPlaceholder")} data-testid="schedule-content" />
      </label>
      <div className="field">
        <label htmlFor={`${id}-cron`}>{t("automations.cron")}</label>
        <div className="row">
          <input id={`${id}-cron`} type="text" className="mono" value={draft.cron} onChange={(e) => set("cron", e.target.value)} required aria-describedby={`${id}-cron-help`} spellCheck={false} autoComplete="off" data-testid="schedule-cron" />
          <select aria-label={t("automations.preset")} value={preset} onChange={(e) => { const p = PRESETS.find((x) => x.key === e.target.value); if (p) set("cron", p.cron); }} data-testid="schedule-preset">
            <option value="">{t("automations.presetCustom")}</option>
            {PRESETS.map((p) => <option key={p.key} value={p.key}>{t(`automations.presets.${p.key}`)}</option>)}
          </select>
        </div>
        <span id={`${id}-cron-help`} className="muted small">{t("automations.cronHelp")}</span>
      </div>
      <label className="field">
        <span>{t("automations.timezone")}</span>
        <input type="text" value={zone} onChange={(e) => set("timezone", e.target.value)} list={`${id}-zones`} required spellCheck={false} autoComplete="off" data-testid="schedule-timezone" />
        <datalist id={`${id}-zones`}>{zones.map((z) => <option key={z} value={z} />)}</datalist>
      </label>
      <label className="field">
        <span>{t("automations.session")}</span>
        <input type="text" className="mono" value={draft.session_id} onChange={(e) => set("session_id", e.target.value)} placeholder={t("automations.sessionPlaceholder")} spellCheck={false} data-testid="schedule-session" />
      </label>
      <fieldset className="field field--inline">
        <legend>{t("automations.catchUp")}</legend>
        <label className="check"><input type="radio" name={`${id}-catch`} checked={draft.catch_up === "once"} onChange={() => set("catch_up", "once")} data-testid="schedule-catchup-once" />{t("automations.catchUpOnce")}</label>
        <label className="check"><input type="radio" name={`${id}-catch`} checked={draft.catch_up === "skip"} onChange={() => set("catch_up", "skip")} data-testid="schedule-catchup-skip" />{t("automations.catchUpSkip")}</label>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set("enabled", e.target.checked)} data-testid="schedule-enabled" />
        {t("automations.enabled")}
      </label>
      <div className="row">
        <button type="submit" className="btn btn--primary" disabled={saving || !draft.content.trim() || !draft.cron.trim()} data-testid="schedule-save">
          {editing ? t("common.save") : t("automations.add")}
        </button>
        {editing ? <button type="button" className="btn btn--ghost" onClick={onCancel} data-testid="schedule-cancel">{t("common.cancel")}</button> : null}
      </div>
      {error ? <ErrorState error={error} what="/api/v1/schedules" /> : null}
      {saved ? (
        <div className="state state--muted" role="status" data-testid="schedule-preview">
          <strong>{t("automations.nextRuns", { zone: saved.timezone })}</strong>
          {saved.next_runs.length ? (
            <ol className="preview">
              {saved.next_runs.slice(0, 3).map((iso) => (
                <li key={iso} data-testid="preview-run" data-iso={iso}>
                  {when(iso, lang, saved.timezone)} <span className="muted small">({t("automations.local")}: {when(iso, lang)})</span>
                </li>
              ))}
            </ol>
          ) : <p>{t("automations.noNextRun")}</p>}
        </div>
      ) : null}
    </form>
  );
}
