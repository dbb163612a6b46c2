"use client";

import { useRef, useState, type DragEvent } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiPostFiles } from "@/lib/api/client";

/** Upload by drag and drop or the file button; the API checks every file before it keeps any. */
export function UploadZone({ onUploaded }: { onUploaded: () => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [sending, setSending] = useState(0);
  const [error, setError] = useState<unknown>(null);

  const upload = async (files: File[]) => {
    if (files.length === 0) return;
    setError(null);
    setSending(files.length);
    try {
      const res = await apiPostFiles("/api/v1/documents", "file", files, { timeoutMs: 120_000 });
      toast(t("documents.uploaded", { n: res.documents.length }), "success");
      onUploaded();
    } catch (err) {
      setError(err);
    } finally {
      setSending(0);
      if (input.current) input.current.value = "";
    }
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    void upload(Array.from(e.dataTransfer.files));
  };
  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    if (!Array.from(e.dataTransfer.types).includes("Files")) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    setOver(true);
  };

  return (
    <Panel title={t("documents.upload")} testId="document-upload">
      <div className={`dropzone${over ? " dropzone--over" : ""}`} onDragOver={onDragOver} onDragLeave={() => setOver(false)} onDrop={onDrop} data-testid="dropzone">
        <p className="dropzone__title">{over ? t("documents.dropActive") : t("documents.drop")}</p>
        <button type="button" className="btn btn--primary" onClick={() => input.current?.click()} disabled={sending > 0} data-testid="choose-files">
          {t("documents.choose")}
        </button>
        <input ref={input} type="file" multiple hidden aria-label={t("documents.fileInput")} data-testid="file-input"
          onChange={(e) => void upload(Array.from(e.target.files ?? []))} />
        <p className="muted small">{t("documents.formats")}</p>
      </div>
      {sending ? <p className="muted small" role="status">{t("documents.uploading", { n: sending })}</p> : null}
      {error ? <ErrorState error={error} what="POST /api/v1/documents" /> : null}
    </Panel>
  );
}
