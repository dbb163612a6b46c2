"use client";

import { useEffect, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { Progress } from "@/components/ui/Progress";
import { apiGet, apiPost } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import { formatWhen } from "@/lib/format";
import { useResource } from "@/lib/hooks/useResource";
import { isEvent } from "@/lib/ws";

interface LiveProgress { status: string; percent: number | null; done: boolean; error: string | null; name: string }

/** Pull an Ollama model with a live bar from `MODEL_INSTALL_PROGRESS` events, and the list of
 *  pulls from `/api/v1/models/operations` (read from the event log, so it survives a reload). */
export function PullPanel({ onInstalled }: { onInstalled: () => void }) {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const { subscribe } = useLive();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [live, setLive] = useState<Record<string, LiveProgress>>({});
  const ops = useResource(() => apiGet("/api/v1/models/operations", { query: { limit: 10 } }), []);
  const reloadOps = ops.reload;

  useEffect(() => subscribe((ev) => {
    if (!isEvent(ev, "MODEL_INSTALL_PROGRESS")) return;
    const d = ev.data;
    setLive((m) => ({ ...m, [d.operation_id]: { status: d.status, percent: d.percent ?? m[d.operation_id]?.percent ?? null, done: d.done, error: d.error?.message ?? null, name: d.name } }));
    if (d.done) {
      void reloadOps();
      onInstalled();
    }
  }), [subscribe, reloadOps, onInstalled]);

  const pull = async () => {
    setBusy(true);
    try {
      const started = await apiPost("/api/v1/models/install", { body: { name: name.trim() } });
      setLive((m) => ({ ...m, [started.operation_id]: { status: "started", percent: null, done: false, error: null, name: started.name } }));
      setName("");
      void reloadOps();
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };

  const listed = ops.data?.operations ?? [];
  const known = new Set(listed.map((o) => o.operation_id));
  const fresh = Object.entries(live).filter(([id]) => !known.has(id));
  return (
    <Panel title={t("models.pull.title")} testId="models-pull">
      <form className="row" onSubmit={(e) => { e.preventDefault(); if (name.trim()) void pull(); }}>
        <label className="sr-only" htmlFor="pull-name">{t("models.pull.name")}</label>
        <input id="pull-name" type="text" placeholder="llama3.2:1b" value={name} onChange={(e) => setName(e.target.value)} data-testid="pull-name" />
        <button type="submit" className="btn btn--primary btn--sm" disabled={busy || !name.trim()} data-testid="pull-start">{t("models.pull.start")}</button>
      </form>
      <p className="small muted">{t("models.pull.hint")}</p>
      <h3 className="small">{t("models.ops.title")}</h3>
      {listed.length === 0 && fresh.length === 0 ? <p className="small muted">{t("models.ops.none")}</p> : null}
      <ul className="ops" data-testid="models-operations">
        {fresh.map(([id, p]) => (
          <li key={id} data-testid="model-operation" data-status={p.done ? (p.error ? "failed" : "completed") : "in_progress"}>
            <div className="row"><span className="mono small">{p.name}</span><Badge tone={toneOf(p.error ? "failed" : p.done ? "completed" : "in_progress")}>{p.status}</Badge></div>
            <Progress value={p.done && !p.error ? 100 : p.percent} label={p.name} testId="pull-progress" />
            {p.error ? <p className="small muted">{p.error}</p> : null}
          </li>
        ))}
        {listed.map((o) => {
          const p = live[o.operation_id];
          const running = o.status === "in_progress" || o.status === "pending";
          const value = p && !p.done ? p.percent : o.progress;
          return (
            <li key={o.operation_id} data-testid="model-operation" data-status={p && !p.done ? "in_progress" : o.status}>
              <div className="row">
                <span className="mono small">{o.model_name}</span>
                <Badge tone={toneOf(o.status)}>{t(`models.ops.status.${o.status}` as "models.ops.status.completed")}</Badge>
                <span className="small muted">{formatWhen(o.started_at, lang)}</span>
              </div>
              <Progress value={running && value === null ? null : (value ?? 0)} label={o.model_name} testId="pull-progress" />
              {o.error ? <p className="small muted">{o.error}</p> : null}
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}
