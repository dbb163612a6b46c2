"use client";

/**
 * A span's detail as readable text, never JSON: a value is a word, a list of words or a nested
 * list of labelled values. Long text wraps at any character and, past a few lines, collapses
 * behind a "show all" summary, so no value can widen the page.
 */
import { usePrefs } from "@/components/providers/Preferences";

const COLLAPSE_AT = 240;

export function DetailValue({ value }: { value: unknown }) {
  const { t } = usePrefs();
  if (value === null || value === undefined || value === "") return <span className="muted">—</span>;
  if (typeof value === "boolean" || typeof value === "number") return <span className="mono">{String(value)}</span>;
  if (typeof value === "string") {
    if (value.length <= COLLAPSE_AT) return <span className="detail-text">{value}</span>;
    return (
      <details className="detail-long" data-testid="detail-long">
        <summary>
          <span className="detail-text">{value.slice(0, COLLAPSE_AT)}…</span> <span className="small muted">{t("timeline.showAll", { n: value.length })}</span>
        </summary>
        <span className="detail-text">{value}</span>
      </details>
    );
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">—</span>;
    if (value.every((v) => typeof v !== "object" || v === null)) return <span className="detail-text">{value.map((v) => String(v)).join(", ")}</span>;
    return (
      <ol className="detail-list">
        {value.map((v, i) => <li key={i}><DetailValue value={v} /></li>)}
      </ol>
    );
  }
  if (typeof value === "object") return <DetailList values={value} />;
  return <span className="detail-text">{String(value)}</span>;
}

export function DetailList({ values }: { values: object }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="kv detail-kv">
      {entries.map(([k, v]) => (
        <div key={k} className="detail-kv__row">
          <dt>{k}</dt>
          <dd><DetailValue value={v} /></dd>
        </div>
      ))}
    </dl>
  );
}
