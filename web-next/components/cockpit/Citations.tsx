"use client";

/**
 * The passages an answer was given: numbered chips for the ones it cites, muted "sources consulted"
 * for the rest. A chip opens a side drawer (a native modal <dialog>: it traps focus, closes on Esc
 * and gives focus back to the chip) with the chunk read from the document, the snippet highlighted.
 */
import { useEffect, useRef, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { apiGet } from "@/lib/api/client";
import { ApiError } from "@/lib/api/errors";
import type { ChunkInfo } from "@/lib/api/types";
import type { Citation } from "@/lib/chat/store";
import { apiUrl } from "@/lib/config";

export function Citations({ citations }: { citations: Citation[] }) {
  const { t } = usePrefs();
  const [open, setOpen] = useState<Citation | null>(null);
  const cited = citations.filter((c) => c.cited);
  const consulted = citations.filter((c) => !c.cited);
  const chip = (c: Citation) => (
    <li key={`${c.n}-${c.chunk_id}`}>
      <button type="button" className={`cite-chip${c.cited ? "" : " cite-chip--muted"}`} onClick={() => setOpen(c)} data-testid="citation-chip" data-cited={c.cited ? "true" : "false"} data-doc-id={c.document_id}
        title={c.snippet}>
        <span className="cite-chip__n">[{c.n}]</span> <span className="cite-chip__name">{c.name}</span>
        {c.page !== null ? <span className="muted">, {t("cite.page", { n: c.page })}</span> : null}
      </button>
    </li>
  );
  return (
    <div className="citations" data-testid="citations">
      {cited.length > 0 ? (
        <div>
          <span className="small muted">{t("cite.sources")}</span>
          <ul className="cite-list">{cited.map(chip)}</ul>
        </div>
      ) : null}
      {consulted.length > 0 ? (
        <div className="citations__consulted" data-testid="sources-consulted">
          <span className="small muted">{t("cite.consulted")}</span>
          <ul className="cite-list">{consulted.map(chip)}</ul>
        </div>
      ) : null}
      <PassageDrawer citation={open} onClose={() => setOpen(null)} />
    </div>
  );
}

type Loaded = { chunk: ChunkInfo | null; error?: string };

function PassageDrawer({ citation, onClose }: { citation: Citation | null; onClose: () => void }) {
  const { t } = usePrefs();
  const ref = useRef<HTMLDialogElement>(null);
  const [loaded, setLoaded] = useState<Record<string, Loaded>>({});
  const key = citation ? citation.chunk_id : "";

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (citation && !d.open) d.showModal();
    if (!citation && d.open) d.close();
  }, [citation]);

  useEffect(() => {
    if (!citation || loaded[citation.chunk_id]) return;
    const ctrl = new AbortController();
    apiGet("/api/v1/documents/{doc_id}", { params: { doc_id: citation.document_id }, signal: ctrl.signal }).then(
      (doc) => setLoaded((l) => ({ ...l, [citation.chunk_id]: { chunk: doc.chunk_list.find((c) => c.id === citation.chunk_id) ?? null } })),
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        setLoaded((l) => ({ ...l, [citation.chunk_id]: { chunk: null, error: err instanceof ApiError ? err.message : String(err) } }));
      },
    );
    return () => ctrl.abort();
  }, [citation, loaded]);

  const entry = key ? loaded[key] : undefined;
  return (
    <dialog ref={ref} className="passage-drawer" data-testid="passage-drawer" aria-labelledby="passage-title" onCancel={(e) => { e.preventDefault(); onClose(); }}
      onClick={(e) => { if (e.target === ref.current) onClose(); }}>
      {citation ? (
        <div className="passage-drawer__body">
          <header className="passage-drawer__head">
            <h2 id="passage-title" className="passage-drawer__title">[{citation.n}] {citation.name}</h2>
            <button type="button" className="icon-btn" aria-label={t("common.close")} onClick={onClose} data-testid="passage-close" autoFocus>✕</button>
          </header>
          <p className="small muted">
            {citation.page !== null ? `${t("cite.page", { n: citation.page })} · ` : ""}
            {entry?.chunk && entry.chunk.heading_path.length > 0 ? `${entry.chunk.heading_path.join(" › ")} · ` : ""}
            {t("cite.score", { s: citation.score.toFixed(2) })}
          </p>
          {!entry ? <p className="muted">{t("common.loading")}</p> : null}
          {entry?.error ? <p className="bubble__error" role="alert">{entry.error}</p> : null}
          {entry && !entry.error && !entry.chunk ? <p className="muted" data-testid="passage-missing">{t("cite.gone")}</p> : null}
          {entry?.chunk ? <Highlighted text={entry.chunk.text} snippet={citation.snippet} /> : null}
          <a className="btn btn--ghost btn--sm" href={apiUrl(`/api/v1/documents/${encodeURIComponent(citation.document_id)}/file`)} download={citation.name} data-testid="passage-download">
            {t("cite.download")}
          </a>
        </div>
      ) : null}
    </dialog>
  );
}

/** The chunk's text with the snippet marked. The snippet has its whitespace collapsed, so the
 *  match runs over the text's words with any run of whitespace between them. */
function Highlighted({ text, snippet }: { text: string; snippet: string }) {
  const words = snippet.trim().split(/\s+/).filter(Boolean);
  let range: [number, number] | null = null;
  if (words.length > 0) {
    const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+"));
    const m = pattern.exec(text);
    if (m) range = [m.index, m.index + m[0].length];
  }
  return (
    <blockquote className="passage" data-testid="passage-text">
      {range ? (
        <>
          {text.slice(0, range[0])}
          <mark data-testid="passage-mark">{text.slice(range[0], range[1])}</mark>
          {text.slice(range[1])}
        </>
      ) : (
        text
      )}
    </blockquote>
  );
}
