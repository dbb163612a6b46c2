import type { TKey, Vars } from "@/lib/i18n";

type T = (key: TKey, vars?: Vars) => string;
const STATES = ["queued", "indexing", "ready", "failed", "scanning", "synced"] as const;

/** A document's or folder's status in the UI language (an unknown one as sent). */
export function stateLabel(t: T, status: string): string {
  const known = STATES.find((s) => s === status);
  return known ? t(`documents.state.${known}`) : status;
}
