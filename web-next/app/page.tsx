"use client";

import { useCallback, useRef, useState } from "react";
import { Chat } from "@/components/cockpit/Chat";
import { Conversations } from "@/components/cockpit/Conversations";
import { EventFeed } from "@/components/cockpit/EventFeed";
import { QueueControls } from "@/components/cockpit/QueueControls";
import { RequestHistory } from "@/components/cockpit/RequestHistory";
import { RuntimePanel } from "@/components/cockpit/RuntimePanel";
import { useChat } from "@/components/cockpit/useChat";
import { useT } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { PageHeader } from "@/components/ui/Panel";

export default function CockpitPage() {
  const t = useT();
  const toast = useToast();
  const chat = useChat();
  const { newChat, openSession } = chat;
  // Narrow screens show the conversation list as a drawer behind this toggle.
  const [drawer, setDrawer] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const closeDrawer = useCallback(() => {
    setDrawer(false);
    toggle.current?.focus();
  }, []);
  const startNew = useCallback(() => {
    newChat();
    toast(t("cockpit.sessionCleared"));
    setDrawer(false);
  }, [newChat, toast, t]);
  const reopen = useCallback((id: string) => {
    openSession(id);
    setDrawer(false);
  }, [openSession]);

  return (
    <>
      <PageHeader title={t("cockpit.title")} subtitle={t("cockpit.subtitle")} />
      <button
        ref={toggle}
        type="button"
        className="btn conversations-toggle"
        aria-expanded={drawer}
        aria-controls="conversations"
        onClick={() => setDrawer((o) => !o)}
        data-testid="conversations-toggle"
      >
        ☰ {t("conversations.toggle")}
      </button>
      <div className="cockpit">
        <Conversations id="conversations" current={chat.session} open={drawer} onClose={closeDrawer} onOpen={reopen} onNew={startNew} />
        <div className="cockpit__main">
          <Chat chat={chat} onNewChat={startNew} />
        </div>
        <aside className="cockpit__side">
          <RuntimePanel />
          <QueueControls />
          <EventFeed />
          <RequestHistory />
        </aside>
      </div>
    </>
  );
}
