"use client";

import Link from "next/link";
import { useState, type KeyboardEvent } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Markdown } from "@/components/ui/Markdown";
import { TERMINAL, type ChatMessage } from "@/lib/chat/store";
import type { TKey } from "@/lib/i18n";
import { Citations } from "./Citations";
import { RefusalActions } from "./RefusalActions";
import { AnswerMeta, CopyButton, Icon, VersionPager, type Versions } from "./MessageActions";
import { ApprovalPrompts, ToolCalls, type Decide } from "./ToolActivity";
import { useTaskInfo } from "./useTaskInfo";

interface Props {
  message: ChatMessage;
  onAbort: (m: ChatMessage) => void;
  onFeedback: (m: ChatMessage, rating: "up" | "down") => void;
  /** Answers: ask the same question again (absent when there is no question to repeat). */
  onRegenerate?: () => void;
  versions?: Versions;
  /** Questions: send an edited copy; resolves true when it was sent. */
  onResend?: (text: string) => Promise<boolean>;
  /** Answers: reply to a tool call that waits for approval. */
  onDecide?: Decide;
  /** Answers the autonomy level refused: re-run once with the level it needed. */
  onAllowOnce?: () => Promise<void>;
}

export function Bubble(props: Props) {
  return props.message.role === "user" ? <UserBubble {...props} /> : <AnswerBubble {...props} />;
}

function UserBubble({ message: m, onResend }: Props) {
  const { t } = usePrefs();
  const [draft, setDraft] = useState<string | null>(null);
  const original = m.forced ? `${m.forced} ${m.content}` : m.content;
  const resend = async () => {
    if (!draft?.trim() || !onResend) return;
    if (await onResend(draft)) setDraft(null);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Escape") {
      e.preventDefault();
      setDraft(null);
    } else if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void resend();
    }
  };
  if (draft !== null) {
    return (
      <form className="bubble bubble--user bubble--editing" data-testid="bubble-user-edit" onSubmit={(e) => { e.preventDefault(); void resend(); }}>
        <label className="sr-only" htmlFor={`edit-${m.id}`}>{t("actions.editLabel")}</label>
        <textarea id={`edit-${m.id}`} data-testid="edit-input" value={draft} rows={3} autoFocus onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} />
        <div className="bubble__foot">
          <span className="spacer" />
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => setDraft(null)} data-testid="edit-cancel">{t("common.cancel")}</button>
          <button type="submit" className="btn btn--primary btn--sm" disabled={!draft.trim()} data-testid="edit-send">{t("actions.resend")}</button>
        </div>
      </form>
    );
  }
  return (
    <div className="bubble bubble--user" data-testid="bubble-user">
      {m.forced ? <Badge tone="neutral" testId="forced-badge" title={t("cockpit.forced")}>{m.forced}</Badge> : null}
      <p className="bubble__text">{m.content}</p>
      <div className="bubble__actions">
        <CopyButton text={original} testId="copy-question" />
        {onResend ? (
          <button type="button" className="icon-btn" aria-label={t("actions.edit")} title={t("actions.edit")} onClick={() => setDraft(original)} data-testid="edit-message"><Icon name="edit" /></button>
        ) : null}
      </div>
    </div>
  );
}

function AnswerBubble({ message: m, onAbort, onFeedback, onRegenerate, versions, onDecide, onAllowOnce }: Props) {
  const { t } = usePrefs();
  const running = !!m.status && !TERMINAL.has(m.status);
  const status = m.status ?? "PENDING";
  const info = useTaskInfo(m.taskId, !running && (status === "COMPLETED" || status === "FAILED"));
  const citations = m.citations && m.citations.length > 0 ? m.citations : (info?.citations ?? []);
  const refusal = running ? [] : (m.error?.actions ?? info?.refusalActions ?? []);
  return (
    <div
      className={`bubble bubble--assistant${running ? " bubble--running" : ""}`}
      data-testid="bubble-assistant"
      data-status={status}
      data-task-id={m.taskId ?? ""}
      data-last-seq={m.lastSeq ?? ""}
      data-resumed={m.resumed ? "true" : "false"}
      data-chunks={m.chunks ?? 0}
      data-version={versions ? versions.index + 1 : 1}
    >
      {m.plan && m.plan.length > 0 ? (
        <ol className="plan" data-testid="plan-steps" aria-label={t("cockpit.planSteps")}>
          {m.plan.map((p, i) => (
            <li key={i} className={`plan__step plan__step--${p.status}`}>{p.title}</li>
          ))}
        </ol>
      ) : null}
      {m.tools && m.tools.length > 0 ? <ToolCalls tools={m.tools} /> : null}
      {m.approvals && m.approvals.length > 0 ? <ApprovalPrompts approvals={m.approvals} onDecide={onDecide} /> : null}
      {m.content ? <Markdown text={m.content} testId="answer-text" /> : running ? <p className="typing" aria-live="polite">{t(m.approvals?.some((a) => a.state === "pending") ? "approve.waiting" : "cockpit.thinking")}<span className="dots" aria-hidden /></p> : null}
      {m.error ? (
        <div className="bubble__error" role="alert" data-testid="answer-error" data-code={m.error.code}>
          {m.error.message}
        </div>
      ) : null}
      {refusal.length > 0 ? <RefusalActions actions={refusal} onAllowOnce={onAllowOnce} /> : null}
      {citations.length > 0 ? <Citations citations={citations} /> : null}
      <footer className="bubble__foot">
        <Badge tone={toneOf(status)} testId="status-badge">{t(`status.${status}` as TKey)}</Badge>
        {m.forced ? <Badge tone="neutral" testId="forced-badge" title={t("cockpit.forced")}>{m.forced}</Badge> : null}
        {m.mode !== "normal" ? <Badge tone="info">{t(m.mode === "direct" ? "cockpit.modeDirect" : "cockpit.modeComplex")}</Badge> : null}
        {m.resumed ? <Badge tone="info" testId="resumed-badge" title={t("cockpit.resumed")}>↻</Badge> : null}
        {m.firstTokenMs !== undefined ? <span className="muted small" title={t("actions.firstToken")}>{m.firstTokenMs} ms{m.totalMs !== undefined ? ` · ${m.totalMs} ms` : ""}</span> : null}
        {m.taskId ? <Link className="small" href={`/inspector?id=${m.taskId}`}>#{m.taskId.slice(0, 6)} {t("cockpit.details")} ↗</Link> : null}
        <span className="spacer" />
        {versions ? <VersionPager versions={versions} /> : null}
        {running ? (
          <button type="button" className="btn btn--danger btn--sm" onClick={() => onAbort(m)} data-testid="stop-button">■ {t("cockpit.stop")}</button>
        ) : (
          <span className="bubble__actions">
            {m.content ? <CopyButton text={m.content} testId="copy-answer" /> : null}
            {onRegenerate ? (
              <button type="button" className="icon-btn" aria-label={t("actions.regenerate")} title={t("actions.regenerate")} onClick={onRegenerate} data-testid="regenerate"><Icon name="regen" /></button>
            ) : null}
            {m.taskId && status === "COMPLETED" ? (
              <>
                <button type="button" className={`icon-btn${m.feedback === "up" ? " icon-btn--on" : ""}`} aria-label={t("cockpit.feedbackUp")} aria-pressed={m.feedback === "up"} onClick={() => onFeedback(m, "up")} data-testid="feedback-up"><Thumb /></button>
                <button type="button" className={`icon-btn${m.feedback === "down" ? " icon-btn--on" : ""}`} aria-label={t("cockpit.feedbackDown")} aria-pressed={m.feedback === "down"} onClick={() => onFeedback(m, "down")} data-testid="feedback-down"><Thumb down /></button>
              </>
            ) : null}
          </span>
        )}
      </footer>
      <AnswerMeta info={info} />
    </div>
  );
}

/** Inline icon: system fonts here have no emoji, so 👍 would render as a box. */
function Thumb({ down }: { down?: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden style={down ? { transform: "rotate(180deg)" } : undefined}>
      <path fill="currentColor" d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z" />
    </svg>
  );
}
