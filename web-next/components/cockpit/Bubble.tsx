"use client";

import Link from "next/link";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge, toneOf } from "@/components/ui/Badge";
import { Markdown } from "@/components/ui/Markdown";
import { TERMINAL, type ChatMessage } from "@/lib/chat/store";
import type { TKey } from "@/lib/i18n";

interface Props {
  message: ChatMessage;
  onAbort: (m: ChatMessage) => void;
  onFeedback: (m: ChatMessage, rating: "up" | "down") => void;
}

export function Bubble({ message: m, onAbort, onFeedback }: Props) {
  const { t } = usePrefs();
  if (m.role === "user") {
    return (
      <div className="bubble bubble--user" data-testid="bubble-user">
        {m.forced ? <Badge tone="neutral" testId="forced-badge" title={t("cockpit.forced")}>{m.forced}</Badge> : null}
        <p className="bubble__text">{m.content}</p>
      </div>
    );
  }
  const running = !!m.status && !TERMINAL.has(m.status);
  const status = m.status ?? "PENDING";
  return (
    <div
      className={`bubble bubble--assistant${running ? " bubble--running" : ""}`}
      data-testid="bubble-assistant"
      data-status={status}
      data-task-id={m.taskId ?? ""}
      data-last-seq={m.lastSeq ?? ""}
      data-resumed={m.resumed ? "true" : "false"}
      data-chunks={m.chunks ?? 0}
    >
      {m.plan && m.plan.length > 0 ? (
        <ol className="plan" data-testid="plan-steps" aria-label={t("cockpit.planSteps")}>
          {m.plan.map((p, i) => (
            <li key={i} className={`plan__step plan__step--${p.status}`}>{p.title}</li>
          ))}
        </ol>
      ) : null}
      {m.content ? <Markdown text={m.content} testId="answer-text" /> : running ? <p className="typing" aria-live="polite">{t("cockpit.thinking")}<span className="dots" aria-hidden /></p> : null}
      {m.error ? (
        <div className="bubble__error" role="alert" data-testid="answer-error" data-code={m.error.code}>
          {m.error.message}
        </div>
      ) : null}
      <footer className="bubble__foot">
        <Badge tone={toneOf(status)} testId="status-badge">{t(`status.${status}` as TKey)}</Badge>
        {m.forced ? <Badge tone="neutral" testId="forced-badge" title={t("cockpit.forced")}>{m.forced}</Badge> : null}
        {m.mode !== "normal" ? <Badge tone="info">{t(m.mode === "direct" ? "cockpit.modeDirect" : "cockpit.modeComplex")}</Badge> : null}
        {m.resumed ? <Badge tone="info" testId="resumed-badge" title={t("cockpit.resumed")}>↻</Badge> : null}
        {m.firstTokenMs !== undefined ? <span className="muted small" title="first token / total">{m.firstTokenMs} ms{m.totalMs !== undefined ? ` · ${m.totalMs} ms` : ""}</span> : null}
        {m.taskId ? <Link className="small" href={`/inspector?id=${m.taskId}`}>#{m.taskId.slice(0, 6)} {t("cockpit.details")} ↗</Link> : null}
        <span className="spacer" />
        {running ? (
          <button type="button" className="btn btn--danger btn--sm" onClick={() => onAbort(m)} data-testid="stop-button">■ {t("cockpit.stop")}</button>
        ) : m.taskId && status === "COMPLETED" ? (
          <span className="feedback">
            <button type="button" className={`icon-btn${m.feedback === "up" ? " icon-btn--on" : ""}`} aria-label={t("cockpit.feedbackUp")} aria-pressed={m.feedback === "up"} onClick={() => onFeedback(m, "up")} data-testid="feedback-up"><Thumb /></button>
            <button type="button" className={`icon-btn${m.feedback === "down" ? " icon-btn--on" : ""}`} aria-label={t("cockpit.feedbackDown")} aria-pressed={m.feedback === "down"} onClick={() => onFeedback(m, "down")} data-testid="feedback-down"><Thumb down /></button>
          </span>
        ) : null}
      </footer>
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
