import { useSyncExternalStore } from "react";
import type { Schemas } from "@/lib/api/client";

export type Schedule = Schemas["ScheduleView"];
export type Run = Schemas["RunView"];
export type ScheduleIn = Schemas["ScheduleIn"];

/** Cron presets offered by the form; anything else is typed in. */
export const PRESETS = [
  { key: "hourly", cron: "0 * * * *" },
  { key: "weekdays", cron: "0 9 * * 1-5" },
  { key: "daily", cron: "0 8 * * *" },
  { key: "weekly", cron: "0 9 * * 1" },
] as const;

const noop = () => () => {};

/** The browser's time zone; "UTC" while rendering on the server, so hydration matches and then corrects. */
export function useBrowserZone(): string {
  return useSyncExternalStore(noop, () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", () => "UTC");
}

/** The IANA zones the browser knows, for the time-zone field's suggestions (empty on the server). */
export function useZones(): readonly string[] {
  return useSyncExternalStore(noop, zones, () => EMPTY);
}
const EMPTY: readonly string[] = [];
let cached: readonly string[] | null = null;
function zones(): readonly string[] {
  cached ??= typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : EMPTY;
  return cached;
}

/** A date and time in `zone` (the viewer's own zone when omitted), in the UI's language. */
export function when(iso: string | null | undefined, lang: string, zone?: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone }).format(d);
}
