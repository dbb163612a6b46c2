"use client";

import { useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, toneOf } from "@/components/ui/Badge";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { Panel } from "@/components/ui/Panel";
import { Progress } from "@/components/ui/Progress";
import { Empty, ErrorState } from "@/components/ui/States";
import { apiDelete, apiPost } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import type { DocumentInfo, FolderInfo } from "@/lib/api/types";
import { formatWhen } from "@/lib/format";
import type { Resource } from "@/lib/hooks/useResource";
import { stateLabel } from "./labels";

/** Synced folders of the workspace: add by path, their sync state and counts, rescan, remove. */
export function Folders({ folders, docs, onChanged }: { folders: Resource<FolderInfo[]>; docs: DocumentInfo[]; onChanged: () => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [path, setPath] = useState("");
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const add = async () => {
    setAdding(true);
    setError(null);
    try {
      await apiPost("/api/v1/documents/folders", { body: { path: path.trim() }, timeoutMs: 60_000 });
      toast(t("documents.folderAdded"), "success");
      setPath("");
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setAdding(false);
    }
  };
  return (
    <Panel title={t("documents.folders")} testId="folders" actions={folders.data ? <Badge>{folders.data.length}</Badge> : null}>
      <form className="row" onSubmit={(e) => { e.preventDefault(); if (path.trim()) void add(); }}>
        <label className="sr-only" htmlFor="folder-path">{t("documents.folderPath")}</label>
        <input id="folder-path" type="text" value={path} onChange={(e) => setPath(e.target.value)} placeholder={t("documents.folderPlaceholder")} data-testid="folder-path" />
        <button type="submit" className="btn btn--primary btn--sm" disabled={adding || !path.trim()} data-testid="folder-add">{t("documents.addFolder")}</button>
      </form>
      {error ? <ErrorState error={error} what="POST /api/v1/documents/folders" /> : null}
      {folders.error && !folders.data ? <ErrorState error={folders.error} what="/api/v1/documents/folders" /> : null}
      {folders.data && folders.data.length === 0 ? <Empty text={t("documents.foldersEmpty")} /> : null}
      <ul className="list folder-list">
        {folders.data?.map((f) => <FolderRow key={f.id} folder={f} docs={docs.filter((d) => d.folder_id === f.id)} onChanged={onChanged} />)}
      </ul>
    </Panel>
  );
}

function FolderRow({ folder, docs, onChanged }: { folder: FolderInfo; docs: DocumentInfo[]; onChanged: () => void }) {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const c = folder.counts;
  const done = docs.filter((d) => d.status === "ready" || d.status === "failed").length;
  const busy = folder.status === "scanning" || done < docs.length;
  const rescan = async () => {
    try {
      await apiPost("/api/v1/documents/folders/{folder_id}/rescan", { params: { folder_id: folder.id } });
      toast(t("documents.rescanning"), "success");
      onChanged();
    } catch (err) {
      toast(messageOf(err), "error");
    }
  };
  const remove = async () => {
    setConfirming(false);
    try {
      const res = await apiDelete("/api/v1/documents/folders/{folder_id}", { params: { folder_id: folder.id } });
      toast(t("documents.folderRemoved", { n: res.documents_removed }), "success");
      onChanged();
    } catch (err) {
      toast(messageOf(err), "error");
    }
  };
  return (
    <li className="list__row folder-row" data-testid="folder-row" data-status={folder.status} data-folder-id={folder.id}>
      <div className="doc-row__head">
        <span className="list__main mono" title={folder.path} data-testid="folder-name">{folder.path}</span>
        <Badge tone={toneOf(folder.status === "synced" ? "ready" : folder.status)} testId="folder-status">{stateLabel(t, folder.status)}</Badge>
      </div>
      <p className="muted small" data-testid="folder-counts">
        {t("documents.counts", { files: c.files, added: c.added, changed: c.changed, unchanged: c.unchanged, removed: c.removed, skipped: c.skipped })}
      </p>
      <p className="muted small">
        {folder.scanned_at ? t("documents.scannedAt", { when: formatWhen(folder.scanned_at, lang) }) : t("documents.notScanned")}
        {" · "}
        <span data-testid="folder-docs">{t("documents.folderDocs", { done, total: docs.length })}</span>
      </p>
      {busy ? <Progress value={docs.length ? (done / docs.length) * 100 : null} label={t("documents.folderDocs", { done, total: docs.length })} testId="folder-progress" /> : null}
      {folder.error ? <p className="doc-row__error" role="alert" data-testid="folder-error">{folder.error.message}</p> : null}
      {folder.skipped.length ? (
        <details className="small">
          <summary>{t("documents.skipped")} ({folder.skipped.length})</summary>
          <ul className="skipped">
            {folder.skipped.map((s) => <li key={s.path}><span className="mono">{s.path}</span>: {s.reason}</li>)}
          </ul>
        </details>
      ) : null}
      <div className="row">
        <button type="button" className="btn btn--sm" onClick={() => void rescan()} aria-label={t("documents.rescanLabel", { path: folder.path })} data-testid="folder-rescan">{t("documents.rescan")}</button>
        <button type="button" className="btn btn--ghost btn--sm btn--danger" onClick={() => setConfirming(true)} aria-label={t("documents.removeLabel", { path: folder.path })} data-testid="folder-remove">{t("documents.remove")}</button>
      </div>
      <ConfirmDialog open={confirming} danger message={t("documents.confirmRemove", { path: folder.path })} onConfirm={() => void remove()} onCancel={() => setConfirming(false)} />
    </li>
  );
}
