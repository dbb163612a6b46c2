"use client";

import { useEffect, useRef, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { Empty, ErrorState } from "@/components/ui/States";
import { apiGet } from "@/lib/api/client";
import { apiUrl } from "@/lib/config";
import { formatBytes, formatWhen } from "@/lib/format";
import { useResource } from "@/lib/hooks/useResource";
import { stateLabel } from "./labels";

/** A long document has hundreds of chunks: the first ones render at once, the rest on request. */
const FIRST_CHUNKS = 50;

/** One document: its facts, the original to download, and its chunks with page and heading path
 *  (what a citation points at). `bump` re-reads it when its indexing finishes. */
export function DocumentDetailPanel({ id, bump, onClose }: { id: string; bump: number; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const doc = useResource(() => apiGet("/api/v1/documents/{doc_id}", { params: { doc_id: id } }), [id, bump]);
  const d = doc.data?.id === id ? doc.data : null;
  // Opening a document moves focus to it (keyboard and screen-reader users land on what they opened);
  // on one column it is below the list, so it scrolls into view too.
  const box = useRef<HTMLDivElement>(null);
  const [all, setAll] = useState<string | null>(null);
  useEffect(() => {
    box.current?.focus({ preventScroll: window.matchMedia("(min-width: 1101px)").matches });
  }, [id]);
  return (
    <div ref={box} tabIndex={-1} className="focus-target" data-testid="document-detail-box">
      <Panel title={d?.name ?? t("documents.detail")} testId="document-detail" className="panel--data-title" actions={
        <button type="button" className="btn btn--ghost btn--sm" onClick={onClose} data-testid="document-close">{t("documents.close")}</button>
      }>
        {doc.error ? <ErrorState error={doc.error} what={`/api/v1/documents/${id}`} /> : null}
        {d ? (
          <>
            <dl className="kv">
              <dt>{t("documents.status")}</dt>
              <dd><Badge tone={toneOf(d.status)} testId="detail-status">{stateLabel(t, d.status)}</Badge></dd>
              <dt>{t("documents.type")}</dt><dd>{d.type}</dd>
              <dt>{t("documents.mediaType")}</dt><dd className="mono small">{d.media_type}</dd>
              <dt>{t("documents.size")}</dt><dd>{formatBytes(d.size)}</dd>
              <dt>{t("documents.pages")}</dt><dd>{d.pages ?? t("common.none")}</dd>
              <dt>{t("documents.chunks")}</dt><dd>{d.chunks}</dd>
              <dt>{t("documents.created")}</dt><dd>{formatWhen(d.created_at, lang)}</dd>
              {d.source_path ? <><dt>{t("documents.path")}</dt><dd className="mono small">{d.source_path}</dd></> : null}
            </dl>
            {d.error ? <p className="doc-row__error" role="alert">{d.error.message}</p> : null}
            <p><a href={apiUrl(`/api/v1/documents/${encodeURIComponent(d.id)}/file`)} download={d.name} data-testid="document-download">{t("documents.download")}</a></p>
            <h3 className="panel__title">{t("documents.chunkList")}</h3>
            {d.chunk_list.length === 0 ? <Empty text={t("documents.noChunks")} /> : null}
            <ol className="chunks" data-testid="chunks">
              {(all === id ? d.chunk_list : d.chunk_list.slice(0, FIRST_CHUNKS)).map((c) => (
                <li key={c.id} className="chunk" data-testid="chunk" data-page={c.page ?? ""}>
                  <div className="chunk__head">
                    <span className="muted small">{t("documents.chunk", { n: c.ordinal + 1 })}</span>
                    {c.page !== null ? <Badge testId="chunk-page">{t("documents.page", { n: c.page })}</Badge> : null}
                    <span className="chunk__path small" data-testid="chunk-heading">
                      {c.heading_path.length ? c.heading_path.join(" › ") : <span className="muted">{t("documents.noHeading")}</span>}
                    </span>
                  </div>
                  <p className="chunk__text">{c.text}</p>
                </li>
              ))}
            </ol>
            {all !== id && d.chunk_list.length > FIRST_CHUNKS ? (
              <button type="button" className="btn btn--sm" style={{ marginTop: 8 }} onClick={() => setAll(id)} data-testid="chunks-all">
                {t("documents.showAll", { n: d.chunk_list.length })}
              </button>
            ) : null}
          </>
        ) : null}
      </Panel>
    </div>
  );
}
