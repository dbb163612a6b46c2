"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { PageHeader, Panel } from "@/components/ui/Panel";
import { Progress } from "@/components/ui/Progress";
import { Empty, ErrorState } from "@/components/ui/States";
import { apiDelete, apiGet } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import type { DocumentInfo } from "@/lib/api/types";
import { formatBytes, formatWhen } from "@/lib/format";
import { useResource } from "@/lib/hooks/useResource";
import { isEvent } from "@/lib/ws";
import { DocumentDetailPanel } from "./DocumentDetail";
import { Folders } from "./Folders";
import { stateLabel } from "./labels";
import { UploadZone } from "./UploadZone";

/** The latest DOCUMENT_INGEST_PROGRESS of a document: its status and chunk counts while indexing. */
export interface LiveProgress {
  status: string;
  done: number | null;
  total: number | null;
}

/** Re-reading the lists after a burst of progress events happens once, this long after the last. */
const RELOAD_AFTER_MS = 300;

/** Documents: upload, the list with live status, a document's chunks, and synced folders. */
export function Documents() {
  const { t } = usePrefs();
  const router = useRouter();
  const params = useSearchParams();
  const selected = params.get("id");
  const { subscribe } = useLive();
  const docs = useResource(() => apiGet("/api/v1/documents"), []);
  const folders = useResource(() => apiGet("/api/v1/documents/folders"), []);
  const [live, setLive] = useState<Record<string, LiveProgress>>({});
  const [detailBump, setDetailBump] = useState(0);
  const timers = useRef<{ docs?: ReturnType<typeof setTimeout>; folders?: ReturnType<typeof setTimeout> }>({});
  const reloadDocs = docs.reload;
  const reloadFolders = folders.reload;

  const soon = useCallback((what: "docs" | "folders") => {
    const t0 = timers.current[what];
    if (t0) clearTimeout(t0);
    timers.current[what] = setTimeout(() => void (what === "docs" ? reloadDocs() : reloadFolders()), RELOAD_AFTER_MS);
  }, [reloadDocs, reloadFolders]);
  useEffect(() => {
    const pending = timers.current;
    return () => {
      if (pending.docs) clearTimeout(pending.docs);
      if (pending.folders) clearTimeout(pending.folders);
    };
  }, []);

  useEffect(() => subscribe((ev) => {
    if (!isEvent(ev, "DOCUMENT_INGEST_PROGRESS")) return;
    const d = ev.data;
    if (d.document_id) {
      const id = d.document_id;
      // A count the backend leaves out arrives as a missing key, not null.
      const done = d.chunks_done ?? null;
      setLive((prev) => ({ ...prev, [id]: { status: d.status, done, total: d.chunks_total ?? null } }));
      // Mid-way counts only move the bar; a change of status changes the row.
      if (done === null || d.status !== "indexing") soon("docs");
      if (id === selected && (d.status === "ready" || d.status === "failed")) setDetailBump((n) => n + 1);
    }
    if (d.folder_id) {
      soon("folders");
      if (d.status === "synced") soon("docs");
    }
  }), [subscribe, soon, selected]);

  const select = (id: string | null) => router.replace(id ? `/documents?id=${id}` : "/documents", { scroll: false });
  const list = docs.data?.documents ?? [];
  // Closing the detail gives focus back to the row that opened it.
  const close = (id: string) => {
    select(null);
    requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(`[data-doc-id="${id}"] .doc-row__open`)?.focus());
  };

  return (
    <>
      <PageHeader title={t("documents.title")} subtitle={t("documents.subtitle")} />
      {/* Upload and folders beside the list on wide screens; on a phone the list comes right after upload. */}
      <div className="docs-layout">
        <div className="docs-layout__upload"><UploadZone onUploaded={() => void reloadDocs()} /></div>
        <div className="docs-layout__folders"><Folders folders={folders} docs={list} onChanged={() => { void reloadFolders(); void reloadDocs(); }} /></div>
        <div className="stack docs-layout__list">
          <Panel title={t("documents.list")} testId="documents-list" actions={
            <>
              {docs.data ? <Badge>{docs.data.count}</Badge> : null}
              <button type="button" className="btn btn--ghost btn--sm" onClick={() => void reloadDocs()}>{t("common.refresh")}</button>
            </>
          }>
            {docs.error && !docs.data ? <ErrorState error={docs.error} what="/api/v1/documents" /> : null}
            {docs.data && list.length === 0 ? <Empty text={t("documents.empty")} /> : null}
            <ul className="list doc-list">
              {list.map((d) => (
                <DocumentRow key={d.id} doc={d} live={live[d.id]} active={d.id === selected} onOpen={() => select(d.id)}
                  onDeleted={() => { if (d.id === selected) select(null); void reloadDocs(); void reloadFolders(); }} />
              ))}
            </ul>
          </Panel>
          {selected ? <DocumentDetailPanel id={selected} bump={detailBump} onClose={() => close(selected)} /> : null}
        </div>
      </div>
    </>
  );
}

function DocumentRow({ doc, live, active, onOpen, onDeleted }: { doc: DocumentInfo; live?: LiveProgress; active: boolean; onOpen: () => void; onDeleted: () => void }) {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  // While the row says it is in flight, the events move it on (queued -> indexing, with counts);
  // ready and failed come from the re-read list, so the row's chunks and error are current with them.
  const inFlight = (s: string | undefined) => s === "queued" || s === "indexing";
  const status = inFlight(doc.status) && inFlight(live?.status) && live ? live.status : doc.status;
  const busy = inFlight(status);
  const pct = live?.total ? ((live.done ?? 0) / live.total) * 100 : null;
  const remove = async () => {
    setConfirming(false);
    try {
      await apiDelete("/api/v1/documents/{doc_id}", { params: { doc_id: doc.id } });
      toast(t("documents.deleted"), "success");
      onDeleted();
    } catch (err) {
      toast(messageOf(err), "error");
    }
  };
  return (
    <li className={`list__row doc-row${active ? " list__row--active" : ""}`} data-testid="document-row" data-status={status} data-doc-id={doc.id}>
      <div className="doc-row__head">
        <button type="button" className="doc-row__open" onClick={onOpen} aria-label={t("documents.open", { name: doc.name })} aria-current={active ? "true" : undefined} data-testid="document-open">
          <span className="list__main">{doc.name}</span>
        </button>
        <Badge tone={toneOf(status)} testId="document-status">{stateLabel(t, status)}</Badge>
        <button type="button" className="btn btn--ghost btn--sm btn--danger" onClick={() => setConfirming(true)} aria-label={t("documents.deleteLabel", { name: doc.name })} data-testid="document-delete">
          {t("documents.delete")}
        </button>
      </div>
      <dl className="doc-meta">
        <div><dt>{t("documents.type")}</dt><dd>{doc.type}</dd></div>
        <div><dt>{t("documents.size")}</dt><dd>{formatBytes(doc.size)}</dd></div>
        <div><dt>{t("documents.pages")}</dt><dd>{doc.pages ?? t("common.none")}</dd></div>
        <div><dt>{t("documents.chunks")}</dt><dd data-testid="document-chunks">{doc.chunks}</dd></div>
        <div><dt>{t("documents.created")}</dt><dd>{formatWhen(doc.created_at, lang)}</dd></div>
        {doc.folder_id ? <div><dt>{t("documents.path")}</dt><dd>{doc.source_path ?? t("documents.fromFolder")}</dd></div> : null}
      </dl>
      {busy ? <Progress value={pct} label={live?.total ? t("documents.progress", { done: live.done ?? 0, total: live.total }) : stateLabel(t, status)} testId="document-progress" /> : null}
      {doc.error ? <p className="doc-row__error" role="alert" data-testid="document-error">{doc.error.message}</p> : null}
      <ConfirmDialog open={confirming} danger message={t("documents.confirmDelete", { name: doc.name })} onConfirm={() => void remove()} onCancel={() => setConfirming(false)} />
    </li>
  );
}
