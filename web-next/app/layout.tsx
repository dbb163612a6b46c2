import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { LiveProvider } from "@/components/providers/Live";
import { PreferencesProvider } from "@/components/providers/Preferences";
import { THEME_STORAGE_KEY, type Theme } from "@/lib/prefs";
import { ToastProvider } from "@/components/providers/Toast";
import { OfflineBanner } from "@/components/shell/OfflineBanner";
import { Sidebar } from "@/components/shell/Sidebar";
import { SkipLink } from "@/components/shell/SkipLink";
import { TopBar } from "@/components/shell/TopBar";
import { readServerConfig } from "@/lib/config";
import { DEFAULT_LANG, LANG_STORAGE_KEY, isLang } from "@/lib/i18n";
import "./globals.css";

export const metadata: Metadata = {
  title: "Venom Cockpit",
  description: "Local-first AI agents: chat, live work, memory and traces.",
};

// The API location is read from the environment on every request, not frozen at build time.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: ReactNode }) {
  const jar = await cookies();
  const cookieLang = jar.get(LANG_STORAGE_KEY)?.value;
  const lang = isLang(cookieLang) ? cookieLang : DEFAULT_LANG;
  const cookieTheme = jar.get(THEME_STORAGE_KEY)?.value;
  const theme: Theme = cookieTheme === "venom-light" ? "venom-light" : "venom-dark";
  const config = readServerConfig();
  // Runs before hydration: apply the stored theme at once (no flash) and expose the API location.
  const boot = `window.__VENOM_CONFIG__=${JSON.stringify(config).replace(/</g, "\\u003c")};try{var t=localStorage.getItem("${THEME_STORAGE_KEY}");if(t==="venom-dark"||t==="venom-light")document.documentElement.dataset.theme=t;}catch(e){}`;
  return (
    <html lang={lang} data-theme={theme} suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: boot }} />
      </head>
      <body>
        <PreferencesProvider initialLang={lang} initialTheme={theme}>
          <ToastProvider>
            <LiveProvider>
              <SkipLink />
              <div className="shell">
                <Sidebar />
                <div className="shell__main">
                  <TopBar />
                  <OfflineBanner />
                  <main id="content" className="content" tabIndex={-1}>{children}</main>
                </div>
              </div>
            </LiveProvider>
          </ToastProvider>
        </PreferencesProvider>
      </body>
    </html>
  );
}
