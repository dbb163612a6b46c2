"use client";

import { useEffect, useRef } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Panel } from "@/components/ui/Panel";
import { ApiError } from "@/lib/api/errors";
import type { ChatMessage, Mode } from "@/lib/chat/store";
import { Bubble } from "./Bubble";
import { Composer } from "./Composer";
import { questionOf, shownVersion, useAlternatives } from "./useAlternatives";
import type { useChat } from "./useChat";

/** Alternatives hang on the answer's task id: a conversation rebuilt from the server keeps them. */
const altKey = (m: ChatMessage) => m.taskId ?? m.id;

/** The conversation itself; its state lives in the page, which shares it with the conversation list. */
export function Chat({ chat, onNewChat }: { chat: ReturnType<typeof useChat>; onNewChat: () => void }) {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const { messages, send, abort, feedback, decide, allowOnce, session, resets } = chat;
  const { alts, regenerate, show } = useAlternatives(session);
  const end = useRef<HTMLDivElement>(null);
  const last = messages[messages.length - 1];
  const lastAlts = last ? alts[altKey(last)] : undefined;
  const lastLen = last ? shownVersion(last, lastAlts).content.length : 0;

  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [messages.length, lastLen, lastAlts?.list.length]);
  const toasted = useRef(0);
  useEffect(() => {
    if (resets <= toasted.current) return;
    toasted.current = resets;
    toast(t("cockpit.sessionGone"), "info");
  }, [resets, toast, t]);

  const onSend = async (text: string, mode: Mode, storeKnowledge: boolean, documentIds?: string[]) => {
    const note = await send(text, { mode, storeKnowledge, lang, documentIds });
    if (note === "emptyContent") {
      toast(t("cockpit.emptyContent"), "error");
      return false;
    }
    if (note === "cleared") toast(t("cockpit.sessionCleared"));
    if (note === "directFallback") toast(t("cockpit.directUnavailable"));
    return true;
  };

  return (
    <Panel title={t("cockpit.chat")} testId="chat" className="chat" actions={<span className="muted small mono session-tag" data-testid="session-id" title="session">{session ?? ""}</span>}>
      <div className="messages" data-testid="messages" aria-live="polite">
        {messages.length === 0 ? <p className="empty">{t("cockpit.emptyChat")}</p> : null}
        {messages.map((m) => {
          if (m.role === "user") {
            return <Bubble key={m.id} message={m} onAbort={() => undefined} onFeedback={() => undefined} onResend={(text) => onSend(text, m.mode, true)} />;
          }
          const key = altKey(m);
          const entry = alts[key];
          const question = questionOf(messages, m.id);
          return (
            <Bubble
              key={m.id}
              message={shownVersion(m, entry)}
              onAbort={(msg) => void abort(msg)}
              onDecide={(callId, decision, remember) => decide(m, callId, decision, remember)}
              onAllowOnce={() => allowOnce(m)}
              onRegenerate={question ? () => void regenerate(key, m, question, { lang, storeKnowledge: true }) : undefined}
              versions={entry ? { index: entry.shown, count: entry.list.length + 1, onShow: (i) => show(key, i) } : undefined}
              onFeedback={(msg, rating) =>
                void feedback(msg, rating).then(
                  () => toast(t("cockpit.feedbackThanks"), "success"),
                  (err: unknown) => toast(err instanceof ApiError && err.unavailable ? `${t("common.notAvailable")}: /api/v1/feedback` : String((err as Error).message), "error"),
                )
              }
            />
          );
        })}
        <div ref={end} />
      </div>
      <Composer busy={false} onNewChat={onNewChat} onSend={onSend} />
    </Panel>
  );
}
