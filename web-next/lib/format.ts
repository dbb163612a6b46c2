/** Small display helpers shared by the screens. */
import type { Lang } from "@/lib/i18n";

const UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/** 1536 -> "1.5 KB" (powers of 1024, one decimal below 10). */
export function formatBytes(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)} ${UNITS[i]}`;
}

/** An ISO timestamp in the UI language; the raw text when it does not parse. */
export function formatWhen(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
}
