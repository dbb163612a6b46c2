"use client";

import { useEffect, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Panel } from "@/components/ui/Panel";
import { apiDelete, apiGet, apiPut } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import type { ModelEntry } from "./ModelList";

const FIELDS = [
  { key: "temperature", step: "0.05", min: 0, max: 2 },
  { key: "top_p", step: "0.05", min: 0, max: 1 },
  { key: "context_length", step: "256", min: 256, max: 1_048_576 },
  { key: "max_tokens", step: "1", min: 1, max: 131_072 },
] as const;
type Key = (typeof FIELDS)[number]["key"];
type Values = Record<Key, string>;
const EMPTY: Values = { temperature: "", top_p: "", context_length: "", max_tokens: "" };

/** Per-model generation defaults (`/api/v1/models/defaults/{provider}/{model}`): a field left
 *  empty is not set, so the call's own value or the runtime's applies. */
export function DefaultsEditor({ models }: { models: ModelEntry[] }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [chosen, setChosen] = useState("");
  const [values, setValues] = useState<Values>(EMPTY);
  const [isSet, setIsSet] = useState(false);
  const [busy, setBusy] = useState(false);
  const key = chosen || (models.find((m) => m.active) ? `${models.find((m) => m.active)?.provider}|${models.find((m) => m.active)?.name}` : models[0] ? `${models[0].provider}|${models[0].name}` : "");
  const [provider, model] = key ? (key.split("|", 2) as [string, string]) : ["", ""];

  useEffect(() => {
    if (!provider || !model) return;
    let live = true;
    apiGet("/api/v1/models/defaults/{provider}/{model}", { params: { provider, model } }).then((d) => {
      if (!live) return;
      setValues({ temperature: d.temperature?.toString() ?? "", top_p: d.top_p?.toString() ?? "", context_length: d.context_length?.toString() ?? "", max_tokens: d.max_tokens?.toString() ?? "" });
      setIsSet(d.is_set);
    }).catch((err: unknown) => toast(messageOf(err), "error"));
    return () => {
      live = false;
    };
  }, [provider, model, toast]);

  const num = (v: string) => (v.trim() === "" ? null : Number(v));
  const save = async () => {
    setBusy(true);
    try {
      const d = await apiPut("/api/v1/models/defaults/{provider}/{model}", {
        params: { provider, model },
        body: { temperature: num(values.temperature), top_p: num(values.top_p), context_length: num(values.context_length), max_tokens: num(values.max_tokens) },
      });
      setIsSet(d.is_set);
      toast(t("models.defaults.saved", { model }), "success");
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };
  const clear = async () => {
    setBusy(true);
    try {
      await apiDelete("/api/v1/models/defaults/{provider}/{model}", { params: { provider, model } });
      setValues(EMPTY);
      setIsSet(false);
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title={t("models.defaults.title")} testId="models-defaults">
      <div className="row">
        <label className="sr-only" htmlFor="defaults-model">{t("models.col.name")}</label>
        <select id="defaults-model" value={key} onChange={(e) => setChosen(e.target.value)} data-testid="defaults-model">
          {models.map((m) => <option key={`${m.provider}|${m.name}`} value={`${m.provider}|${m.name}`}>{m.provider} · {m.name}</option>)}
        </select>
      </div>
      <form className="defaults-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        {FIELDS.map((f) => (
          <label key={f.key} className="field">
            <span>{t(`models.defaults.${f.key}`)}</span>
            <input type="number" inputMode="decimal" step={f.step} min={f.min} max={f.max} value={values[f.key]} placeholder={t("models.defaults.unset")}
              onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))} data-testid={`defaults-${f.key}`} />
          </label>
        ))}
        <div className="row">
          <button type="submit" className="btn btn--primary btn--sm" disabled={busy || !key} data-testid="defaults-save">{t("common.save")}</button>
          <button type="button" className="btn btn--ghost btn--sm" disabled={busy || !isSet} onClick={() => void clear()} data-testid="defaults-clear">{t("models.defaults.clear")}</button>
          <span className="small muted" data-testid="defaults-state">{isSet ? t("models.defaults.isSet") : t("models.defaults.notSet")}</span>
        </div>
      </form>
    </Panel>
  );
}
