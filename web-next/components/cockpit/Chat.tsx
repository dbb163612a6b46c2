"use client";

import { useEffect, useRef } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Panel } from "@/components/ui/Panel";
import { ApiError } from "@/lib/api/errors";
import { Bubble } from "./Bubble";
import { Composer } from "./Composer";
import type { useChat } from "./useChat";

/** The conversation itself; its state lives in the page, which shares it with the conversation list. */
export function Chat({ chat, onNewChat }: { chat: ReturnType<typeof useChat>; onNewChat: () => void }) {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const { messages, send, abort, feedback, session, resets } = chat;
  const end = useRef<HTMLDivElement>(null);
  const lastLen = messages.length ? (messages[messages.length - 1]?.content.length ?? 0) : 0;

  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [messages.length, lastLen]);
  const toasted = useRef(0);
  useEffect(() => {
    if (resets <= toasted.current) return;
    toasted.current = resets;
    toast(t("cockpit.sessionGone"), "info");
  }, [resets, toast, t]);

  return (
    <Panel title={t("cockpit.chat")} testId="chat" className="chat" actions={<span className="muted small mono session-tag" data-testid="session-id" title="session">{session ?? ""}</span>}>
      <div className="messages" data-testid="messages" aria-live="polite">
        {messages.length === 0 ? <p className="empty">{t("cockpit.emptyChat")}</p> : null}
        {messages.map((m) => (
          <Bubble
            key={m.id}
            message={m}
            onAbort={(msg) => void abort(msg)}
            onFeedback={(msg, rating) =>
              void feedback(msg, rating).then(
                () => toast(t("cockpit.feedbackThanks"), "success"),
                (err: unknown) => toast(err instanceof ApiError && err.unavailable ? `${t("common.notAvailable")}: /api/v1/feedback` : String((err as Error).message), "error"),
              )
            }
          />
        ))}
        <div ref={end} />
      </div>
      <Composer
        busy={false}
        onNewChat={onNewChat}
        onSend={async (text, mode, storeKnowledge) => {
          const note = await send(text, { mode, storeKnowledge, lang });
          if (note === "emptyContent") {
            toast(t("cockpit.emptyContent"), "error");
            return false;
          }
          if (note === "cleared") toast(t("cockpit.sessionCleared"));
          if (note === "directFallback") toast(t("cockpit.directUnavailable"));
          return true;
        }}
      />
    </Panel>
  );
}
