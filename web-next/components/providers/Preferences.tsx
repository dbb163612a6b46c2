"use client";

/**
 * Language and theme. Both persist in localStorage (the source of truth in the browser) and in a
 * cookie, so the server renders the right language and theme on the next visit with no flash.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { DEFAULT_LANG, LANG_STORAGE_KEY, isLang, translate, type Lang, type TKey, type Vars } from "@/lib/i18n";
import { THEME_STORAGE_KEY, isTheme, type Theme } from "@/lib/prefs";


interface Prefs {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: TKey, vars?: Vars) => string;
  theme: Theme;
  setTheme: (theme: Theme) => void;
}

const PrefsContext = createContext<Prefs | null>(null);

function persist(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage may be disabled; the cookie still carries it */
  }
  document.cookie = `${key}=${value}; path=/; max-age=31536000; samesite=lax`;
}

export function PreferencesProvider({ initialLang, initialTheme, children }: { initialLang: Lang; initialTheme: Theme; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [theme, setThemeState] = useState<Theme>(initialTheme);

  // localStorage wins over a missing or stale cookie.
  useEffect(() => {
    const storedLang = localStorage.getItem(LANG_STORAGE_KEY);
    const storedTheme = localStorage.getItem(THEME_STORAGE_KEY);
    /* eslint-disable react-hooks/set-state-in-effect -- one-time sync from browser storage after hydration */
    if (isLang(storedLang) && storedLang !== initialLang) setLangState(storedLang);
    if (isTheme(storedTheme) && storedTheme !== initialTheme) setThemeState(storedTheme);
    /* eslint-enable react-hooks/set-state-in-effect */
    document.documentElement.dataset.hydrated = "true";
  }, [initialLang, initialTheme]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    persist(LANG_STORAGE_KEY, next);
  }, []);
  const setTheme = useCallback((next: Theme) => {
    setThemeState(next);
    persist(THEME_STORAGE_KEY, next);
  }, []);
  const t = useCallback((key: TKey, vars?: Vars) => translate(lang, key, vars), [lang]);

  const value = useMemo(() => ({ lang, setLang, t, theme, setTheme }), [lang, setLang, t, theme, setTheme]);
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

export function usePrefs(): Prefs {
  const ctx = useContext(PrefsContext);
  if (!ctx) throw new Error("usePrefs outside PreferencesProvider");
  return ctx;
}

export function useT() {
  return usePrefs().t;
}

export { DEFAULT_LANG };
