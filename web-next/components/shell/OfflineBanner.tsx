"use client";

import { useEffect, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { useT } from "@/components/providers/Preferences";
import { clientConfig } from "@/lib/config";

/** The plain offline state: what failed, when the next try is, and a button to try now. */
export function OfflineBanner() {
  const t = useT();
  const { online, nextRetryAt, retryNow } = useLive();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (online !== false) return;
    const id = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(id);
  }, [online]);
  if (online !== false) return null;
  const secs = nextRetryAt ? Math.max(0, Math.ceil((nextRetryAt - now) / 1000)) : null;
  return (
    <div className="offline" role="alert" data-testid="offline-banner">
      <div>
        <strong>{t("offline.title")}</strong>
        <p>
          {t("offline.body", { url: clientConfig().apiBase || window.location.origin })} {secs !== null ? t("offline.retryIn", { s: secs }) : null}
        </p>
      </div>
      <button type="button" className="btn" onClick={retryNow} data-testid="offline-retry">{t("offline.retry")}</button>
    </div>
  );
}
