"use client";

/** The small buttons under a message: copy, regenerate, edit, paging through regenerated versions,
 *  and the quiet footer with tokens, runtime and model. */
import { useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { copyText } from "@/components/ui/clipboard";
import type { TaskInfo } from "./useTaskInfo";

type IconName = "copy" | "check" | "regen" | "edit" | "prev" | "next";
const PATHS: Record<IconName, string> = {
  copy: "M16 1H4a2 2 0 0 0-2 2v14h2V3h12V1zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11v14z",
  check: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2z",
  regen: "M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z",
  edit: "M3 17.25V21h3.75L17.81 9.94l-3.75-3.75L3 17.25zM20.71 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z",
  prev: "M15.41 7.41 14 6l-6 6 6 6 1.41-1.41L10.83 12z",
  next: "M8.59 16.59 10 18l6-6-6-6-1.41 1.41L13.17 12z",
};

/** Inline icons: the system fonts here have no emoji or symbol glyphs for these. */
export function Icon({ name }: { name: IconName }) {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden focusable="false">
      <path fill="currentColor" d={PATHS[name]} />
    </svg>
  );
}

export function CopyButton({ text, testId }: { text: string; testId: string }) {
  const { t } = usePrefs();
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={done ? t("actions.copied") : t("actions.copy")}
      title={done ? t("actions.copied") : t("actions.copy")}
      data-testid={testId}
      onClick={() =>
        void copyText(text).then((ok) => {
          if (!ok) return;
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        })
      }
    >
      <Icon name={done ? "check" : "copy"} />
    </button>
  );
}

export interface Versions {
  /** 0-based index of the version shown, and how many there are (the original counts). */
  index: number;
  count: number;
  onShow: (index: number) => void;
}

export function VersionPager({ versions: v }: { versions: Versions }) {
  const { t } = usePrefs();
  if (v.count < 2) return null;
  return (
    <span className="pager" role="group" aria-label={t("actions.versions")} data-testid="versions">
      <button type="button" className="icon-btn" aria-label={t("actions.previous")} disabled={v.index === 0} onClick={() => v.onShow(v.index - 1)} data-testid="version-prev"><Icon name="prev" /></button>
      <span className="small mono" data-testid="version-label" data-index={v.index + 1} data-count={v.count}>{v.index + 1}/{v.count}</span>
      <button type="button" className="icon-btn" aria-label={t("actions.next")} disabled={v.index >= v.count - 1} onClick={() => v.onShow(v.index + 1)} data-testid="version-next"><Icon name="next" /></button>
    </span>
  );
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

/** Tokens · runtime · model, in muted small print. */
export function AnswerMeta({ info }: { info: TaskInfo | null }) {
  const { t } = usePrefs();
  if (!info) return null;
  const parts: string[] = [];
  if (info.tokens !== null) parts.push(t(info.estimated ? "actions.tokensEstimated" : "actions.tokens", { n: info.tokens }));
  if (info.totalMs !== null) parts.push(seconds(info.totalMs));
  parts.push(info.model ?? t("actions.noModel"));
  return (
    <p className="bubble__meta muted small" data-testid="answer-meta" data-tokens={info.tokens ?? ""} data-model={info.model ?? ""}>
      {parts.join(" · ")}
    </p>
  );
}
