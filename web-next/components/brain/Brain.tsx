"use client";

import { Fragment, useCallback, useEffect, useMemo, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge } from "@/components/ui/Badge";
import { PageHeader, Panel } from "@/components/ui/Panel";
import { Empty, ErrorState } from "@/components/ui/States";
import { apiGet, apiPost } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import type { GraphPayload } from "@/lib/api/types";
import { useResource } from "@/lib/hooks/useResource";
import { Graph, KIND_LABELS, TYPE_COLORS, TYPE_SHAPES } from "./Graph";
import { MemoryEntries, NodeEntry } from "./MemoryEntries";
import { Lessons, MemorySearch } from "./MemoryPanels";
import { isEvent } from "@/lib/ws";

type View = "overview" | "focus" | "full";

/** The knowledge graph with filters and a node panel, plus memory search, ingest and lessons. */
export function Brain() {
  const { t } = usePrefs();
  const toast = useToast();
  const { subscribe } = useLive();
  const [view, setView] = useState<View>("overview");
  const [seed, setSeed] = useState<string | null>(null);
  const [type, setType] = useState("all");
  const [session, setSession] = useState("");
  const [pinnedOnly, setPinnedOnly] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [memoryVersion, setMemoryVersion] = useState(0); // bumped when memories change elsewhere on the page

  const graph = useResource(
    () => apiGet("/api/v1/knowledge/graph", { query: { view, limit: view === "full" ? 2000 : 300, seed_id: view === "focus" ? (seed ?? undefined) : undefined, max_hops: 2 } }),
    [view, seed],
  );
  const reload = graph.reload;
  useEffect(() => subscribe((ev) => {
    // Memory learns from finished tasks (a lesson, a session fact) a moment after they end.
    if (isEvent(ev, "TASK_COMPLETED", "TASK_FAILED")) setTimeout(() => void reload(), 1500);
  }), [subscribe, reload]);

  const filtered = useMemo<GraphPayload | null>(() => {
    if (!graph.data) return null;
    const nodes = graph.data.elements.nodes.filter((n) =>
      (type === "all" || n.data.type === type) &&
      (!session || String(n.data.session_id ?? n.data.id).includes(session)) &&
      (!pinnedOnly || n.data.pinned === true));
    return { ...graph.data, elements: { nodes, edges: graph.data.elements.edges } };
  }, [graph.data, type, session, pinnedOnly]);
  const types = useMemo(() => [...new Set((graph.data?.elements.nodes ?? []).map((n) => String(n.data.type ?? "")))].filter(Boolean).sort(), [graph.data]);
  // A node picked from search may be outside the current view: still show it (id only) with its actions.
  const node = useMemo(() => graph.data?.elements.nodes.find((n) => n.data.id === selected)?.data ?? (selected ? { id: selected } as { id: string; pinned?: boolean } : null), [graph.data, selected]);
  const edgesOf = useMemo(() => (selected && graph.data ? graph.data.elements.edges.filter((e) => e.data.source === selected || e.data.target === selected).length : 0), [graph.data, selected]);

  const kindLabel = (kind: string) => {
    const key = KIND_LABELS[kind];
    return key ? t(key) : kind;
  };
  const entryId = node && node.id.startsWith("mem:") ? node.id.slice(4) : null;
  const act = useCallback(async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn();
      toast(ok, "success");
      await reload();
    } catch (err) {
      toast(messageOf(err), "error");
    }
  }, [reload, toast]);

  return (
    <>
      <PageHeader title={t("brain.title")} subtitle={t("brain.subtitle")} />
      <div className="split split--wide">
        <div className="stack">
          <Panel
            title={t("brain.title")}
            testId="brain-graph"
            actions={<span className="muted small" data-testid="graph-stats">{t("brain.nodes", { n: filtered?.elements.nodes.length ?? 0 })} · {t("brain.edges", { n: filtered?.elements.edges.length ?? 0 })}</span>}
          >
            <div className="filters">
              <div className="segmented segmented--sm" role="radiogroup">
                {(["overview", "focus", "full"] as const).map((v) => (
                  <button key={v} type="button" role="radio" aria-checked={view === v} className={view === v ? "on" : ""} disabled={v === "focus" && !seed && !selected}
                    onClick={() => { if (v === "focus") setSeed(seed ?? selected); setView(v); }} data-testid={`brain-mode-${v}`}>
                    {t(`brain.${v}`)}
                  </button>
                ))}
              </div>
              <select aria-label={t("brain.type")} value={type} onChange={(e) => setType(e.target.value)} data-testid="brain-type">
                <option value="all">{t("brain.allTypes")}</option>
                {types.map((ty) => <option key={ty} value={ty}>{ty}</option>)}
              </select>
              <input type="search" placeholder={t("brain.session")} aria-label={t("brain.session")} value={session} onChange={(e) => setSession(e.target.value)} />
              <label className="check small"><input type="checkbox" checked={pinnedOnly} onChange={(e) => setPinnedOnly(e.target.checked)} data-testid="brain-pinned" /> {t("brain.pinnedOnly")}</label>
              <button type="button" className="btn btn--ghost btn--sm" onClick={() => void reload()}>{t("common.refresh")}</button>
            </div>
            {graph.error && !graph.data ? <ErrorState error={graph.error} what="/api/v1/knowledge/graph" /> : null}
            {filtered && filtered.elements.nodes.length === 0 ? <Empty text={t("brain.graphEmpty")} /> : null}
            {filtered && filtered.elements.nodes.length > 0 ? <Graph graph={filtered} selected={selected} onSelect={setSelected} /> : null}
            <div className="row small" data-testid="graph-legend">
              {Object.entries(TYPE_COLORS).filter(([k]) => types.includes(k)).map(([k, c]) => (
                <span key={k} className="row" data-kind={k}>
                  <span style={{ width: 10, height: 10, borderRadius: TYPE_SHAPES[k] ? 2 : 5, background: c, display: "inline-block" }} /> {kindLabel(k)}
                </span>
              ))}
            </div>
          </Panel>
        </div>
        <div className="stack">
          <Panel title={t("brain.details")} testId="node-details">
            {!node ? <Empty text={t("brain.selectNode")} /> : (
              <>
                <dl className="kv">
                  {Object.entries(node).map(([k, v]) => (<Fragment key={k}><dt>{k}</dt><dd className="mono small">{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd></Fragment>))}
                  <dt>edges</dt><dd>{edgesOf}</dd>
                </dl>
                <div className="btn-row">
                  <button type="button" className="btn btn--sm" onClick={() => { setSeed(node.id); setView("focus"); }}>{t("brain.focus")}</button>
                  {entryId ? (
                    <>
                      <button type="button" className="btn btn--sm" data-testid="node-pin"
                        onClick={() => void act(() => apiPost("/api/v1/memory/entry/{entry_id}/pin", { params: { entry_id: entryId }, body: { pinned: !node.pinned } }), t("brain.pinned"))}>
                        {node.pinned ? t("brain.unpin") : t("brain.pin")}
                      </button>
                    </>
                  ) : null}
                  {node.pinned ? <Badge tone="warning">{t("brain.pinnedOnly")}</Badge> : null}
                </div>
                {entryId ? (
                  <NodeEntry id={entryId} onSession={setSession}
                    onChanged={() => { setMemoryVersion((v) => v + 1); void reload(); }}
                    onDeleted={() => { setSelected(null); setMemoryVersion((v) => v + 1); void reload(); }} />
                ) : null}
              </>
            )}
          </Panel>
          <MemorySearch onIngested={() => { setMemoryVersion((v) => v + 1); void reload(); }} onSelect={setSelected} />
          <MemoryEntries version={memoryVersion} onChanged={() => void reload()} onSession={setSession} />
          <Lessons />
        </div>
      </div>
    </>
  );
}
