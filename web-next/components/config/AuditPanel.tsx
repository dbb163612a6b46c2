"use client";

import { useCallback, useEffect, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiGet } from "@/lib/api/client";
import type { AuditEntry, AuditPage } from "@/lib/api/types";
import { useResource } from "@/lib/hooks/useResource";

const PAGE = 20;

/** The audit trail (`GET /api/v1/audit`): admin actions and refused attempts, newest first, with who
 *  and from where. A live `AUDIT_ACTION` event reloads the first page; "More" follows `next_cursor`. */
export function AuditPanel() {
  const { t } = usePrefs();
  const { subscribe } = useLive();
  const first = useResource((): Promise<AuditPage> => apiGet("/api/v1/audit", { query: { limit: PAGE } }), []);
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reloadFirst = first.reload;
  const refresh = useCallback(() => {
    setOlder([]);
    setCursor(null);
    void reloadFirst();
  }, [reloadFirst]);
  // Follow live entries only once the trail was readable: a client that is not admin is refused,
  // and each refusal is itself an audited action, so reloading on it would loop (and every
  // answer would arrive already superseded, leaving the refusal never shown).
  const readable = first.data !== null;
  useEffect(() => subscribe((ev) => {
    if (ev.type === "AUDIT_ACTION" && readable) refresh();
  }), [subscribe, refresh, readable]);
  const next = cursor ?? (older.length ? null : first.data?.next_cursor ?? null);
  const more = async () => {
    if (!next) return;
    setError(null);
    try {
      const page = await apiGet("/api/v1/audit", { query: { limit: PAGE, cursor: next } });
      setOlder((rows) => [...rows, ...page.items]);
      setCursor(page.next_cursor ?? null);
    } catch (err) {
      setError(err);
    }
  };
  const items = [...(first.data?.items ?? []), ...older];
  const who = (e: AuditEntry) => t(e.actor.kind === "token" ? "config.actorToken" : e.actor.kind === "loopback" ? "config.actorLoopback" : "config.actorRemote");
  return (
    <Panel title={t("config.audit")} testId="audit" actions={<button type="button" className="btn btn--ghost btn--sm" onClick={refresh}>{t("common.refresh")}</button>}>
      {first.error && !first.data ? <ErrorState error={first.error} what="/api/v1/audit" /> : null}
      {first.data && !items.length ? <p className="empty">{t("config.auditEmpty")}</p> : null}
      <ul className="list">
        {items.map((e) => (
          <li key={e.id} className="list__row" data-testid="audit-row" data-action={e.action} data-outcome={e.outcome}>
            <span className="row">
              <span className="mono small">{e.timestamp}</span>
              <strong className="small">{e.action}</strong>
              <span className="spacer" />
              <Badge tone={toneOf(e.outcome)}>{e.outcome}</Badge>
            </span>
            <span className="muted small" title={e.actor.user_agent} data-testid="audit-who">
              {who(e)} · {t("config.auditFrom")} <span className="mono">{e.actor.address || t("common.none")}</span>{e.actor.user_agent ? ` · ${e.actor.user_agent}` : ""}
            </span>
          </li>
        ))}
      </ul>
      {next ? <button type="button" className="btn btn--ghost btn--sm" onClick={() => void more()} data-testid="audit-more">{t("config.auditMore")}</button> : null}
      {error ? <ErrorState error={error} what="/api/v1/audit" /> : null}
    </Panel>
  );
}
