"use client";

/**
 * What the answer's tool loop did: one compact line per tool call (name, duration, error) and an
 * inline prompt for each call that waits for a person (Approve / Deny / Always allow). A prompt
 * that was answered keeps its decision; one that ran out of time reads as denied by timeout.
 */
import { useEffect, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge } from "@/components/ui/Badge";
import type { ApprovalPrompt, ToolCall } from "@/lib/chat/store";

export type Decide = (callId: string, decision: "approve" | "deny", remember: boolean) => Promise<void>;

export function ToolCalls({ tools }: { tools: ToolCall[] }) {
  const { t } = usePrefs();
  return (
    <ul className="tool-calls" data-testid="tool-calls" aria-label={t("approve.toolCalls")}>
      {tools.map((c) => (
        <li key={c.callId} className={`tool-call tool-call--${c.state}`} data-testid="tool-call" data-state={c.state}>
          <code>{c.name}</code>
          <span className="muted small">{c.state === "running" ? t("approve.running") : c.durationMs !== undefined ? `${c.durationMs} ms` : ""}</span>
          {c.error ? <span className="tool-call__error small" title={c.error}>{c.error}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function argsText(args: unknown): string {
  if (args === null || args === undefined) return "";
  if (typeof args === "object" && !Array.isArray(args) && Object.keys(args).length === 0) return "";
  try {
    return JSON.stringify(args, null, 2);
  } catch {
    return String(args);
  }
}

export function ApprovalPrompts({ approvals, onDecide }: { approvals: ApprovalPrompt[]; onDecide?: Decide }) {
  return (
    <div className="approvals">
      {approvals.map((a) => (
        <ApprovalCard key={a.callId} prompt={a} onDecide={onDecide} />
      ))}
    </div>
  );
}

function ApprovalCard({ prompt: a, onDecide }: { prompt: ApprovalPrompt; onDecide?: Decide }) {
  const { t } = usePrefs();
  const [busy, setBusy] = useState(false);
  // A pending request past its expiry is denied by the backend; show it so before the event lands.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (a.state !== "pending" || !a.expiresAt) return;
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, [a.state, a.expiresAt]);
  const expired = a.state === "pending" && a.expiresAt > 0 && now > a.expiresAt;
  const state = expired ? "timeout" : a.state;
  const answer = async (decision: "approve" | "deny", remember: boolean) => {
    if (!onDecide) return;
    setBusy(true);
    try {
      await onDecide(a.callId, decision, remember);
    } finally {
      setBusy(false);
    }
  };
  const args = argsText(a.arguments);
  return (
    <section className={`approval approval--${state}`} data-testid="approval" data-state={state} data-call-id={a.callId} aria-label={t("approve.title")}>
      <header className="approval__head">
        <strong>{t("approve.title")}</strong>
        <code data-testid="approval-function">{a.functionName}</code>
        <span className="muted small" data-testid="approval-tool">{a.toolId}</span>
      </header>
      {args ? <pre className="approval__args" data-testid="approval-args">{args}</pre> : null}
      {state === "pending" ? (
        <div className="approval__actions">
          <button type="button" className="btn btn--primary btn--sm" disabled={busy || !onDecide} onClick={() => void answer("approve", false)} data-testid="approval-approve">{t("approve.approve")}</button>
          <button type="button" className="btn btn--danger btn--sm" disabled={busy || !onDecide} onClick={() => void answer("deny", false)} data-testid="approval-deny">{t("approve.deny")}</button>
          <button type="button" className="btn btn--ghost btn--sm" disabled={busy || !onDecide} onClick={() => void answer("approve", true)} data-testid="approval-always">{t("approve.always")}</button>
        </div>
      ) : (
        <Badge tone={state === "approved" ? "success" : "danger"} testId="approval-decision">
          {t(state === "approved" ? (a.remember ? "approve.approvedAlways" : "approve.approved") : state === "timeout" ? "approve.timedOut" : "approve.denied")}
        </Badge>
      )}
    </section>
  );
}
