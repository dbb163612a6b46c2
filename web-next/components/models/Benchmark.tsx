"use client";

import { useEffect, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiGet, apiPost, type Schemas } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import { formatWhen } from "@/lib/format";
import { useResource } from "@/lib/hooks/useResource";
import { isEvent } from "@/lib/ws";
import { BarChart } from "./BarChart";
import type { ModelEntry } from "./ModelList";

type Run = Schemas["BenchmarkView"];

/** The benchmark tab: pick models and a prompt set, run (one run at a time), and compare the
 *  models of a run in bar charts of tokens per second and time to first token. */
export function Benchmark({ models }: { models: ModelEntry[] }) {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const { subscribe } = useLive();
  const list = useResource(() => apiGet("/api/v1/benchmark/list", { query: { limit: 20 } }), []);
  const reload = list.reload;
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [promptSet, setPromptSet] = useState("quick");
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => subscribe((ev) => {
    if (isEvent(ev, "BENCHMARK_PROGRESS")) void reload();
  }), [subscribe, reload]);

  const keyOf = (m: ModelEntry) => `${m.provider}|${m.name}`;
  const chosen = picked.size > 0 ? picked : new Set(models.filter((m) => m.active).map(keyOf));
  const start = async () => {
    setBusy(true);
    try {
      const body = { prompt_set: promptSet, models: [...chosen].map((k) => { const [provider, model] = k.split("|", 2) as [string, string]; return { provider, model }; }) };
      const run = await apiPost("/api/v1/benchmark", { body });
      setSelected(run.id);
      await reload();
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };

  const runs = list.data?.items ?? [];
  const current: Run | undefined = runs.find((r) => r.id === selected) ?? runs[0];
  const running = list.data?.running ?? null;
  return (
    <div className="stack">
      <Panel title={t("models.bench.title")} testId="bench-setup">
        <p className="small muted">{t("models.bench.hint")}</p>
        <fieldset className="field field--inline">
          <legend>{t("models.bench.models")}</legend>
          {models.map((m) => (
            <label key={keyOf(m)} className="small">
              <input type="checkbox" checked={chosen.has(keyOf(m))} data-testid="bench-pick"
                onChange={(e) => setPicked(() => { const next = new Set(chosen); if (e.target.checked) next.add(keyOf(m)); else next.delete(keyOf(m)); return next; })} />{" "}
              {m.provider} · {m.name}
            </label>
          ))}
        </fieldset>
        <div className="row">
          <label className="sr-only" htmlFor="bench-set">{t("models.bench.promptSet")}</label>
          <select id="bench-set" value={promptSet} onChange={(e) => setPromptSet(e.target.value)} data-testid="bench-set">
            {(list.data?.prompt_sets ?? [{ name: "quick", description: "", prompts: 1, max_tokens: 16 }]).map((s) => (
              <option key={s.name} value={s.name}>{s.name} ({s.prompts} × {s.max_tokens})</option>
            ))}
          </select>
          <button type="button" className="btn btn--primary btn--sm" disabled={busy || running !== null || chosen.size === 0} onClick={() => void start()} data-testid="bench-run">
            {running ? t("models.bench.running") : t("models.bench.run")}
          </button>
        </div>
      </Panel>
      {list.error && !list.data ? <ErrorState error={list.error} what="/api/v1/benchmark/list" /> : null}
      {current ? (
        <Panel title={`${t("models.bench.result")} · ${formatWhen(current.created_at, lang)}`} testId="bench-result" actions={<Badge tone={toneOf(current.status)} testId="bench-status">{t(`models.bench.status.${current.status}`)}</Badge>}>
          <p className="small muted">{t("models.bench.progress", { done: current.models_done, total: current.models_total })}</p>
          <BarChart testId="bench-chart-tps" title={t("models.bench.tps")} unit="tok/s"
            bars={current.results.map((r) => ({ label: `${r.provider} · ${r.model}`, value: r.tokens_per_second, note: r.error?.code }))} />
          <BarChart testId="bench-chart-ttft" title={t("models.bench.ttft")} unit="ms"
            bars={current.results.map((r) => ({ label: `${r.provider} · ${r.model}`, value: r.ttft_ms, note: r.error?.code }))} />
          <div className="table-scroll">
            <table className="params models-table">
              <thead><tr><th>{t("models.col.name")}</th><th>{t("models.bench.tps")}</th><th>{t("models.bench.ttft")}</th><th>{t("models.bench.tokens")}</th><th>{t("models.bench.memory")}</th><th /></tr></thead>
              <tbody>
                {current.results.map((r, i) => (
                  <tr key={`${r.provider}-${r.model}-${i}`} data-testid="bench-row" data-status={r.status}>
                    <td className="mono small">{r.provider} · {r.model}</td>
                    <td>{r.tokens_per_second ?? "—"}</td>
                    <td>{r.ttft_ms ?? "—"}</td>
                    <td>{r.completion_tokens ?? "—"}</td>
                    <td>{r.peak_memory_mb === null ? "—" : `${r.peak_memory_mb} MB`}</td>
                    <td className="small muted">{r.error ? r.error.message : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      ) : null}
      {runs.length > 1 ? (
        <Panel title={t("models.bench.history")} testId="bench-history">
          <ul className="ops">
            {runs.map((r) => (
              <li key={r.id} className="row">
                <button type="button" className="btn btn--ghost btn--sm" onClick={() => setSelected(r.id)}>{formatWhen(r.created_at, lang)}</button>
                <Badge tone={toneOf(r.status)}>{t(`models.bench.status.${r.status}`)}</Badge>
                <span className="small muted">{r.models.map((m) => m.model).join(", ")}</span>
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}
    </div>
  );
}
