"use client";

import { useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { Empty, ErrorState } from "@/components/ui/States";
import { apiDelete, apiGet, apiPost } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import type { LessonList, MemoryHit } from "@/lib/api/types";
import { useResource } from "@/lib/hooks/useResource";

/** Memory search and ingest (`/api/v1/memory/search`, `/api/v1/memory/ingest`). */
export function MemorySearch({ onIngested, onSelect }: { onIngested: () => void; onSelect: (nodeId: string) => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<MemoryHit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState("");
  const search = async () => {
    setError(null);
    try {
      const res = await apiPost("/api/v1/memory/search", { body: { query: q, limit: 5, hybrid: false, pinned_only: false } });
      setHits(res.results);
    } catch (err) {
      setError(err);
    }
  };
  const ingest = async () => {
    try {
      const res = await apiPost("/api/v1/memory/ingest", { body: { text, memory_type: "fact", pinned: false }, timeoutMs: 60_000 });
      toast(res.message || t("brain.ingested"), "success");
      setText("");
      onIngested();
    } catch (err) {
      toast(messageOf(err), "error");
    }
  };
  return (
    <Panel title={t("brain.searchTitle")} testId="memory-search">
      <form className="row" onSubmit={(e) => { e.preventDefault(); if (q.trim()) void search(); }}>
        <input type="search" placeholder={t("brain.searchPlaceholder")} aria-label={t("brain.searchPlaceholder")} value={q} onChange={(e) => setQ(e.target.value)} style={{ flex: 1 }} data-testid="memory-query" />
        <button type="submit" className="btn btn--sm" disabled={!q.trim()}>{t("common.search")}</button>
      </form>
      {error ? <ErrorState error={error} what="/api/v1/memory/search" /> : null}
      {hits && hits.length === 0 ? <Empty text={t("brain.noResults")} /> : null}
      <ul className="list" data-testid="memory-results">
        {hits?.map((h) => (
          <li key={h.id} className="list__row">
            <button type="button" className="list__btn" onClick={() => onSelect(`mem:${h.id}`)} data-testid="memory-hit">
              <span>{h.text}</span>
              <span className="muted small">score {h.score.toFixed(3)}</span>
            </button>
          </li>
        ))}
      </ul>
      <form className="stack" style={{ marginTop: 10, gap: 6 }} onSubmit={(e) => { e.preventDefault(); if (text.trim()) void ingest(); }}>
        <label className="muted small" htmlFor="ingest">{t("brain.ingestTitle")}</label>
        <textarea id="ingest" rows={2} placeholder={t("brain.ingestPlaceholder")} value={text} onChange={(e) => setText(e.target.value)} data-testid="memory-ingest-text" />
        <div><button type="submit" className="btn btn--primary btn--sm" disabled={!text.trim()} data-testid="memory-ingest">{t("brain.ingest")}</button></div>
      </form>
    </Panel>
  );
}

/** Lessons and their hygiene: prune by age and dedupe. */
export function Lessons() {
  const { t } = usePrefs();
  const toast = useToast();
  const [days, setDays] = useState(30);
  const res = useResource<LessonList>(() => apiGet("/api/v1/lessons", { query: { limit: 8 } }), []);
  const hygiene = async (fn: () => Promise<{ deleted?: number; removed?: number }>) => {
    try {
      const out = await fn();
      toast(t("brain.hygieneDone", { n: out.deleted ?? out.removed ?? 0 }), "success");
      await res.reload();
    } catch (err) {
      toast(messageOf(err), "error");
    }
  };
  return (
    <Panel title={t("brain.lessons")} testId="hygiene-tab" actions={res.data ? <Badge>{res.data.total}</Badge> : null}>
      {res.error && !res.data ? <ErrorState error={res.error} what="/api/v1/lessons" /> : null}
      {res.data && res.data.lessons.length === 0 ? <Empty text={t("brain.lessonsEmpty")} /> : null}
      <ul className="list">
        {res.data?.lessons.map((l) => (
          <li key={l.id} className="list__row list__link">
            <span className="list__main">{l.situation || l.id}</span>
            <span className="list__meta">{l.tags.slice(0, 3).map((tag) => <Badge key={tag}>{tag}</Badge>)}</span>
          </li>
        ))}
      </ul>
      <div className="row" style={{ marginTop: 8 }}>
        <label className="small muted" htmlFor="prune-days">{t("brain.prune")}</label>
        <input id="prune-days" type="number" min={0} value={days} onChange={(e) => setDays(Number(e.target.value))} style={{ width: 80 }} />
        <button type="button" className="btn btn--sm" onClick={() => void hygiene(() => apiDelete("/api/v1/lessons/prune/ttl", { query: { days } }))}>{t("common.delete")}</button>
        <button type="button" className="btn btn--sm" onClick={() => void hygiene(() => apiPost("/api/v1/lessons/dedupe"))} data-testid="lessons-dedupe">{t("brain.dedupe")}</button>
      </div>
    </Panel>
  );
}
