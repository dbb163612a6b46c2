"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, type Tone } from "@/components/ui/Badge";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { Panel } from "@/components/ui/Panel";
import { Empty, ErrorState } from "@/components/ui/States";
import { apiDelete, apiGet, apiPatch, type Schemas } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import { formatWhen } from "@/lib/format";
import { useResource } from "@/lib/hooks/useResource";

type MemoryEntry = Schemas["MemoryEntry"];

const MAX_ENTRY_TEXT = 4000; // the API's limit for a corrected entry
const ORIGIN_TONE: Record<MemoryEntry["origin"], Tone> = { chat: "info", manual: "neutral", lesson: "warning", document: "success", agent: "neutral" };

const when = (seconds: number, lang: Parameters<typeof formatWhen>[1]) => formatWhen(new Date(seconds * 1000).toISOString(), lang);

/** Where a memory came from: a chip, plus links to the task (Inspector) and the session (graph filter) when known. */
export function OriginChip({ entry, onSession }: { entry: MemoryEntry; onSession?: (session: string) => void }) {
  const { t } = usePrefs();
  return (
    <span className="row small" data-testid="memory-origin" data-origin={entry.origin}>
      <Badge tone={ORIGIN_TONE[entry.origin]} title={entry.source ?? undefined}>{t(`brain.origin.${entry.origin}`)}</Badge>
      {entry.task_id ? (
        <Link href={`/inspector?id=${encodeURIComponent(entry.task_id)}`} className="mono" data-testid="memory-origin-task" title={t("brain.openTask")}>
          {entry.task_id.slice(0, 8)}
        </Link>
      ) : null}
      {entry.session_id ? (
        onSession ? (
          <button type="button" className="btn btn--ghost btn--sm mono" onClick={() => onSession(entry.session_id ?? "")} data-testid="memory-origin-session" title={t("brain.filterSession")}>
            {entry.session_id}
          </button>
        ) : <span className="mono muted">{entry.session_id}</span>
      ) : null}
    </span>
  );
}

/** One memory with its origin, and the hygiene actions: correct the text inline, delete after a confirmation. */
export function EntryCard({ entry, onChanged, onDeleted, onSession }: {
  entry: MemoryEntry;
  onChanged: (entry: MemoryEntry) => void;
  onDeleted: (id: string) => void;
  onSession?: (session: string) => void;
}) {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const tooLong = (draft?.length ?? 0) > MAX_ENTRY_TEXT;
  const save = async () => {
    if (draft === null) return;
    setBusy(true);
    try {
      const fixed = await apiPatch("/api/v1/memory/entries/{entry_id}", { params: { entry_id: entry.id }, body: { text: draft }, timeoutMs: 60_000 });
      toast(t("brain.corrected"), "success");
      setDraft(null);
      onChanged(fixed);
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setConfirming(false);
    try {
      await apiDelete("/api/v1/memory/entry/{entry_id}", { params: { entry_id: entry.id } });
      toast(t("brain.deleted"), "success");
      onDeleted(entry.id);
    } catch (err) {
      toast(messageOf(err), "error");
    }
  };
  return (
    <div className="stack" style={{ gap: 6 }} data-testid="memory-entry" data-entry-id={entry.id}>
      {draft === null ? (
        <p className="small" style={{ margin: 0, whiteSpace: "pre-wrap" }} data-testid="memory-entry-text">{entry.text}</p>
      ) : (
        <form className="stack" style={{ gap: 6 }} onSubmit={(e) => { e.preventDefault(); if (draft.trim() && !tooLong) void save(); }}>
          <textarea rows={3} value={draft} onChange={(e) => setDraft(e.target.value)} aria-label={t("brain.editLabel")} data-testid="memory-edit-text" autoFocus
            onKeyDown={(e) => { if (e.key === "Escape") setDraft(null); }} />
          {tooLong ? <span className="small" style={{ color: "var(--danger)" }}>{t("brain.tooLong", { n: MAX_ENTRY_TEXT })}</span> : null}
          <div className="btn-row">
            <button type="submit" className="btn btn--primary btn--sm" disabled={busy || !draft.trim() || tooLong} data-testid="memory-edit-save">{t("common.save")}</button>
            <button type="button" className="btn btn--ghost btn--sm" onClick={() => setDraft(null)} data-testid="memory-edit-cancel">{t("common.cancel")}</button>
          </div>
        </form>
      )}
      <div className="row small" style={{ flexWrap: "wrap" }}>
        <OriginChip entry={entry} onSession={onSession} />
        <span className="muted" title={t("brain.created")}>{when(entry.created_at, lang)}</span>
        {entry.edited ? <Badge tone="info" testId="memory-edited" title={when(entry.updated_at, lang)}>{t("brain.edited")}</Badge> : null}
        {entry.pinned ? <Badge tone="warning">{t("brain.pinnedBadge")}</Badge> : null}
        {draft === null ? (
          <span className="btn-row" style={{ marginLeft: "auto" }}>
            <button type="button" className="btn btn--ghost btn--sm" onClick={() => setDraft(entry.text)} data-testid="memory-edit">{t("brain.edit")}</button>
            <button type="button" className="btn btn--danger btn--sm" onClick={() => setConfirming(true)} data-testid="memory-delete">{t("common.delete")}</button>
          </span>
        ) : null}
      </div>
      {confirming ? <ConfirmDialog open danger message={t("brain.confirmDelete")} onConfirm={() => void remove()} onCancel={() => setConfirming(false)} /> : null}
    </div>
  );
}

/** The memory behind a graph node (`mem:<id>`), loaded from the API with its origin. */
export function NodeEntry({ id, onChanged, onDeleted, onSession }: { id: string; onChanged: () => void; onDeleted: () => void; onSession: (session: string) => void }) {
  const res = useResource(() => apiGet("/api/v1/memory/entry/{entry_id}", { params: { entry_id: id } }), [id]);
  if (res.error && !res.data) return <ErrorState error={res.error} what="/api/v1/memory/entry" />;
  if (!res.data) return null;
  return <EntryCard entry={res.data} onSession={onSession} onDeleted={onDeleted} onChanged={() => { void res.reload(); onChanged(); }} />;
}

/** The most recently changed memories, each with its origin and its hygiene actions. */
export function MemoryEntries({ version, onChanged, onSession }: { version: number; onChanged: () => void; onSession: (session: string) => void }) {
  const { t } = usePrefs();
  const res = useResource(() => apiGet("/api/v1/memory/entries", { query: { limit: 20 } }), []);
  const reload = res.reload;
  useEffect(() => {
    if (version > 0) void reload();
  }, [version, reload]);
  const changed = () => {
    void reload();
    onChanged();
  };
  return (
    <Panel title={t("brain.entries")} testId="memory-entries" actions={res.data ? <Badge>{res.data.count}</Badge> : null}>
      {res.error && !res.data ? <ErrorState error={res.error} what="/api/v1/memory/entries" /> : null}
      {res.data && res.data.entries.length === 0 ? <Empty text={t("brain.entriesEmpty")} /> : null}
      <ul className="list">
        {res.data?.entries.map((e) => (
          <li key={`${e.id}:${e.updated_at}`} className="list__row" style={{ padding: "6px 8px" }}>
            <EntryCard entry={e} onChanged={changed} onDeleted={changed} onSession={onSession} />
          </li>
        ))}
      </ul>
    </Panel>
  );
}
