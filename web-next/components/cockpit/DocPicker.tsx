"use client";

/**
 * The composer's `#` picker: `#` plus a few letters before the caret lists the ready documents
 * whose name matches; the chosen ones become chips and the task's retrieval is restricted to them
 * (`document_ids`).
 */
import { useEffect, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { apiGet } from "@/lib/api/client";
import type { DocumentInfo } from "@/lib/api/types";

export interface PickedDoc {
  id: string;
  name: string;
}

/** The `#query` that ends just before the caret (a `#` at the start or after a space), or null. */
export function hashQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)#([^\s#]*)$/.exec(text.slice(0, caret));
  if (!m) return null;
  const lead = m[1] ?? "";
  return { start: m.index + lead.length, query: m[2] ?? "" };
}

const MAX_SHOWN = 8;

/** Ready documents matching `query` (by name, any case), without the ones already picked. */
export function matchDocs(docs: DocumentInfo[], query: string, picked: PickedDoc[]): DocumentInfo[] {
  const q = query.toLowerCase();
  return docs.filter((d) => d.status === "ready" && !picked.some((p) => p.id === d.id) && d.name.toLowerCase().includes(q)).slice(0, MAX_SHOWN);
}

/** The document list, read each time the picker opens (documents become ready in the background). */
export function useDocList(open: boolean): DocumentInfo[] | null {
  const [docs, setDocs] = useState<DocumentInfo[] | null>(null);
  useEffect(() => {
    if (!open) return;
    const ctrl = new AbortController();
    apiGet("/api/v1/documents", { signal: ctrl.signal }).then(
      (list) => setDocs(list.documents),
      () => {
        if (!ctrl.signal.aborted) setDocs([]);
      },
    );
    return () => ctrl.abort();
  }, [open]);
  return docs;
}

export function DocSuggestions({ docs, loading, active, onPick }: { docs: DocumentInfo[]; loading: boolean; active: number; onPick: (d: DocumentInfo) => void }) {
  const { t } = usePrefs();
  return (
    <ul className="suggest" role="listbox" id="doc-suggestions" aria-label={t("docpick.title")} data-testid="doc-suggestions">
      {docs.length === 0 ? (
        <li className="muted small suggest__empty" data-testid="doc-suggestions-empty">{loading ? t("common.loading") : t("docpick.none")}</li>
      ) : (
        docs.map((d, i) => (
          <li key={d.id} role="option" aria-selected={i === active} id={`doc-opt-${d.id}`}>
            <button type="button" onMouseDown={(e) => { e.preventDefault(); onPick(d); }} className={i === active ? "suggest--active" : ""} data-testid="doc-suggestion" data-doc-id={d.id}>
              <span className="doc-suggest__name">{d.name}</span> <span className="muted small">{d.pages ? t("docpick.pages", { n: d.pages }) : t("docpick.chunks", { n: d.chunks })}</span>
            </button>
          </li>
        ))
      )}
    </ul>
  );
}

export function DocChips({ docs, onRemove }: { docs: PickedDoc[]; onRemove: (id: string) => void }) {
  const { t } = usePrefs();
  if (docs.length === 0) return null;
  return (
    <ul className="doc-chips" aria-label={t("docpick.chosen")} data-testid="doc-chips">
      {docs.map((d) => (
        <li key={d.id} className="doc-chip" data-testid="doc-chip" data-doc-id={d.id}>
          <span className="doc-chip__name" title={d.name}># {d.name}</span>
          <button type="button" className="doc-chip__x" aria-label={t("docpick.remove", { name: d.name })} onClick={() => onRemove(d.id)} data-testid="doc-chip-remove">✕</button>
        </li>
      ))}
    </ul>
  );
}
