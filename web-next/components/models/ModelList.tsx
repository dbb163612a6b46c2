"use client";

import { useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiDelete, apiPost, type Schemas } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import { formatBytes } from "@/lib/format";

export type ModelList = Schemas["ModelList"];
export type ModelEntry = Schemas["ModelEntry"];

function detail(m: ModelEntry, key: string): string | null {
  const v: unknown = m.details[key];
  return typeof v === "string" || typeof v === "number" ? String(v) : null;
}

/** The models of every usable runtime, grouped by runtime, with size, family, quantisation,
 *  context length, loaded state and the active marker; activate and delete (Ollama) per row. */
export function ModelTable({ list, error, onChanged }: { list: ModelList | null; error: unknown; onChanged: () => Promise<void> }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [removing, setRemoving] = useState<ModelEntry | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (key: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(key);
    try {
      await fn();
      toast(done, "success");
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(null);
      await onChanged();
    }
  };
  const activate = (m: ModelEntry) => act(`a:${m.provider}:${m.name}`, () => apiPost("/api/v1/system/llm-runtime/active", { body: { provider: m.provider, model: m.name } }), t("models.activated", { model: m.name }));
  const unload = (m: ModelEntry) => act(`u:${m.provider}:${m.name}`, () => apiPost("/api/v1/models/unload", { body: { provider: m.provider, name: m.name } }), t("models.unloaded", { model: m.name }));
  const remove = (m: ModelEntry) => {
    setRemoving(null);
    void act(`d:${m.provider}:${m.name}`, () => apiDelete("/api/v1/models/{name}", { params: { name: m.name } }), t("models.deleted", { model: m.name }));
  };

  if (error && !list) return <ErrorState error={error} what="/api/v1/models" />;
  const providers = list?.providers ?? [];
  return (
    <Panel title={t("models.installed")} testId="models-installed">
      {providers.map((p) => {
        const rows = (list?.models ?? []).filter((m) => m.provider === p.provider);
        return (
          <section key={p.provider} className="models-runtime" data-testid={`models-runtime-${p.provider}`}>
            <h3 className="small">
              {p.label} <Badge tone={toneOf(p.status)}>{p.status}</Badge> <span className="muted">{p.kind}</span>
            </h3>
            {p.error ? <p className="small muted">{p.error}</p> : null}
            {rows.length === 0 ? <p className="small muted">{t("models.noneHere")}</p> : (
              <div className="table-scroll">
                <table className="params models-table">
                  <thead>
                    <tr>
                      <th>{t("models.col.name")}</th><th>{t("models.col.size")}</th><th>{t("models.col.family")}</th>
                      <th>{t("models.col.quant")}</th><th>{t("models.col.context")}</th><th>{t("models.col.state")}</th><th />
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((m) => {
                      const loaded = m.details.loaded === true || m.active;
                      return (
                        <tr key={m.name} data-testid="model-row" data-provider={m.provider} data-model={m.name} data-active={m.active}>
                          <td className="mono small">{m.name}{m.active ? <> <Badge tone="success" testId="model-active">{t("models.active")}</Badge></> : null}</td>
                          <td>{m.size_bytes ? formatBytes(m.size_bytes) : "—"}</td>
                          <td>{detail(m, "family") ?? "—"}{detail(m, "parameter_size") ? ` · ${detail(m, "parameter_size")}` : ""}</td>
                          <td>{detail(m, "quantization_level") ?? "—"}</td>
                          <td>{detail(m, "context_length") ?? "—"}</td>
                          <td>{loaded ? <Badge tone="info">{t("models.loaded")}</Badge> : <span className="muted small">{t("models.notLoaded")}</span>}</td>
                          <td className="row">
                            {!m.active ? (
                              <button type="button" className="btn btn--sm" disabled={busy !== null} onClick={() => void activate(m)} data-testid="model-activate-row">{t("models.activate")}</button>
                            ) : null}
                            {m.provider === "ollama" && m.details.loaded === true ? (
                              <button type="button" className="btn btn--sm btn--ghost" disabled={busy !== null} onClick={() => void unload(m)} data-testid="model-unload">{t("models.unload")}</button>
                            ) : null}
                            {m.provider === "ollama" ? (
                              <button type="button" className="btn btn--sm btn--danger" disabled={busy !== null} onClick={() => setRemoving(m)} data-testid="model-delete">{t("common.delete")}</button>
                            ) : null}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
      <ConfirmDialog open={removing !== null} danger message={t("models.confirmDelete", { model: removing?.name ?? "" })} onCancel={() => setRemoving(null)} onConfirm={() => removing && remove(removing)} />
    </Panel>
  );
}
