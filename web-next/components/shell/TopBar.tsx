"use client";

import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { LANG_CODES, isLang } from "@/lib/i18n";

export function TopBar() {
  const { t, lang, setLang, theme, setTheme } = usePrefs();
  const { online, queue, metrics, status, wsState } = useLive();
  const rate = metrics?.tasks?.success_rate;
  const runtime = status?.llm_runtime;
  const model = runtime?.model ? `${runtime.model}${runtime.status && runtime.status !== "ready" ? ` (${runtime.status})` : ""}` : t("common.none");
  const conn = online === false ? "offline" : online === null || wsState === "connecting" ? "connecting" : "online";
  return (
    <header className="topbar">
      <div className="pills" data-testid="status-pills">
        <span className={`pill pill--${conn === "online" ? "success" : conn === "offline" ? "danger" : "neutral"}`} data-testid="pill-connection" data-state={conn}>
          <span className="dot" aria-hidden />
          {t(conn === "online" ? "top.online" : conn === "offline" ? "top.offline" : "top.connecting")}
        </span>
        <span className="pill" data-testid="pill-queue" title={t("top.queue")}>
          {t("top.queue")}: {queue && online !== false ? `${queue.active}/${queue.limit}${queue.pending ? ` +${queue.pending}` : ""}${queue.paused ? ` · ${t("top.paused")}` : ""}` : t("common.none")}
        </span>
        <span className="pill" data-testid="pill-success">
          {t("top.success")}: {typeof rate === "number" && online !== false ? `${Math.round(rate)}%` : t("common.none")}
        </span>
        <span className="pill" data-testid="pill-model">
          {t("top.model")}: {online === false ? t("common.none") : model}
        </span>
      </div>
      <div className="topbar__actions">
        <label className="sr-only" htmlFor="lang-select">{t("top.language")}</label>
        <select id="lang-select" data-testid="language-select" value={lang} onChange={(e) => isLang(e.target.value) && setLang(e.target.value)}>
          {LANG_CODES.map((c) => (
            <option key={c} value={c}>{c.toUpperCase()}</option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn--ghost"
          data-testid="theme-toggle"
          aria-label={theme === "venom-dark" ? t("top.themeLight") : t("top.themeDark")}
          title={theme === "venom-dark" ? t("top.themeLight") : t("top.themeDark")}
          onClick={() => setTheme(theme === "venom-dark" ? "venom-light" : "venom-dark")}
        >
          {theme === "venom-dark" ? "☀" : "☾"}
        </button>
      </div>
    </header>
  );
}
