"use client";

import { Chat } from "@/components/cockpit/Chat";
import { EventFeed } from "@/components/cockpit/EventFeed";
import { QueueControls } from "@/components/cockpit/QueueControls";
import { RequestHistory } from "@/components/cockpit/RequestHistory";
import { RuntimePanel } from "@/components/cockpit/RuntimePanel";
import { useT } from "@/components/providers/Preferences";
import { PageHeader } from "@/components/ui/Panel";

export default function CockpitPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t("cockpit.title")} subtitle={t("cockpit.subtitle")} />
      <div className="cockpit">
        <div className="cockpit__main">
          <Chat />
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
