"use client";

import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiGetPage } from "@/lib/api/client";
import { useResource } from "@/lib/hooks/useResource";
import type { TKey } from "@/lib/i18n";
import { isEvent } from "@/lib/ws";

/** Recent requests; re-read when a task finishes (from the live feed), not on a timer. */
export function RequestHistory({ limit = 8 }: { limit?: number }) {
  const { t, lang } = usePrefs();
  const { subscribe } = useLive();
  // The newest `limit` requests: the first page (the next one's address is in the `Link` header).
  const res = useResource(async () => (await apiGetPage("/api/v1/history/requests", { query: { limit } })).items, [limit]);
  const { reload } = res;
  // A new task shows up a little later: reading history right at TASK_CREATED would compete with
  // the answer's first token. Finished tasks are shown at once.
  useEffect(() => {
    let later: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe((ev) => {
      if (isEvent(ev, "TASK_COMPLETED", "TASK_FAILED", "TASK_ABORTED")) void reload();
      else if (ev.type === "TASK_CREATED" && !later) later = setTimeout(() => { later = null; void reload(); }, 1500);
    });
    return () => {
      off();
      if (later) clearTimeout(later);
    };
  }, [subscribe, reload]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(id);
  }, []);
  const rel = useMemo(() => new Intl.RelativeTimeFormat(lang, { numeric: "auto" }), [lang]);
  const ago = (iso: string) => {
    const s = Math.round((new Date(iso).getTime() - now) / 1000);
    return Math.abs(s) < 60 ? rel.format(s, "second") : Math.abs(s) < 3600 ? rel.format(Math.round(s / 60), "minute") : rel.format(Math.round(s / 3600), "hour");
  };
  return (
    <Panel title={t("history.title")} testId="request-history" actions={<button type="button" className="btn btn--ghost btn--sm" onClick={() => void reload()}>{t("common.refresh")}</button>}>
      {res.error && !res.data ? <ErrorState error={res.error} what="/api/v1/history/requests" /> : null}
      <ul className="list">
        {res.data && res.data.length === 0 ? <li className="empty">{t("history.empty")}</li> : null}
        {res.data?.map((r) => (
          <li key={r.request_id} className="list__row">
            <Link href={`/inspector?id=${r.request_id}`} className="list__link" title={t("history.open")}>
              <span className="list__main">{r.prompt}</span>
              <span className="list__meta">
                <Badge tone={toneOf(r.status)}>{t(`status.${r.status}` as TKey)}</Badge>
                {r.error_code ? <Badge tone="danger">{r.error_code}</Badge> : null}
                {r.forced_tool ? <Badge>/{r.forced_tool}</Badge> : null}
                <span className="muted small">{ago(r.created_at)} · #{r.request_id.slice(0, 6)}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
