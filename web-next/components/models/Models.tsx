"use client";

import { useCallback, useEffect, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { PageHeader } from "@/components/ui/Panel";
import { apiGet } from "@/lib/api/client";
import { useResource } from "@/lib/hooks/useResource";
import { isEvent } from "@/lib/ws";
import { Benchmark } from "./Benchmark";
import { ConnectPanel } from "./ConnectPanel";
import { DefaultsEditor } from "./DefaultsEditor";
import { ModelTable } from "./ModelList";
import { PullPanel } from "./PullPanel";
import { UsageChart } from "./UsageChart";

type Tab = "models" | "benchmark";

/** The Models screen: installed models per runtime, pull, operations, per-model defaults,
 *  connect a model server, token usage over time; and a Benchmark tab. */
export function Models() {
  const { t } = usePrefs();
  const { subscribe, refresh } = useLive();
  const [tab, setTab] = useState<Tab>("models");
  const [usageVersion, setUsageVersion] = useState(0);
  const list = useResource(() => apiGet("/api/v1/models"), []);
  const reloadList = list.reload;
  const changed = useCallback(async () => {
    await Promise.all([reloadList(), refresh()]);
  }, [reloadList, refresh]);
  const installed = useCallback(() => void reloadList(), [reloadList]);

  useEffect(() => subscribe((ev) => {
    if (isEvent(ev, "TASK_COMPLETED", "BENCHMARK_PROGRESS")) setUsageVersion((v) => v + 1);
  }), [subscribe]);

  const models = (list.data?.models ?? []).filter((m) => m.chat_compatible);
  return (
    <div className="stack">
      <PageHeader title={t("models.title")} subtitle={t("models.subtitle")} />
      <div className="segmented" role="tablist" aria-label={t("models.title")}>
        {(["models", "benchmark"] as const).map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? "on" : ""} onClick={() => setTab(k)} data-testid={`models-tab-${k}`}>
            {t(`models.tab.${k}`)}
          </button>
        ))}
      </div>
      {tab === "models" ? (
        <div className="stack">
          <ModelTable list={list.data} error={list.error} onChanged={changed} />
          <div className="grid-2">
            <PullPanel onInstalled={installed} />
            <DefaultsEditor models={models} />
          </div>
          <div className="grid-2">
            <ConnectPanel onConnected={changed} />
            <UsageChart version={usageVersion} />
          </div>
        </div>
      ) : (
        <Benchmark models={models} />
      )}
    </div>
  );
}
