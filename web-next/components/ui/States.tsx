"use client";

import { useT } from "@/components/providers/Preferences";
import { ApiError } from "@/lib/api/errors";

/** An endpoint that answered 404/503 (feature not installed) vs a real error with the API's sentence. */
export function ErrorState({ error, what }: { error: unknown; what: string }) {
  const t = useT();
  if (error instanceof ApiError && error.unavailable) {
    return (
      <div className="state state--muted" data-testid="not-available">
        <strong>{t("common.notAvailable")}</strong>
        <p>{error.code === "offline" ? t("offline.title") : t("common.notAvailableBody", { what, status: error.status })}</p>
      </div>
    );
  }
  return (
    <div className="state state--error" role="alert" data-testid="error-state">
      <strong>{error instanceof ApiError && error.status === 403 ? t("common.adminRefused") : t("common.error")}</strong>
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
}

export function Empty({ text }: { text: string }) {
  return <p className="empty">{text}</p>;
}
