/** The dictionaries and a typed `t()` lookup; the React side lives in components/providers. */
import { de } from "./de";
import { en, type Dictionary } from "./en";
import { pl } from "./pl";

export const LANGUAGES = { en, pl, de } as const;
export type Lang = keyof typeof LANGUAGES;
export const LANG_CODES: Lang[] = ["en", "pl", "de"];
export const DEFAULT_LANG: Lang = "en";
export const LANG_STORAGE_KEY = "venom-language";

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type TKey = Leaves<Dictionary>;
export type Vars = Record<string, string | number>;

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANG_CODES as string[]).includes(value);
}

export function translate(lang: Lang, key: TKey, vars?: Vars): string {
  let node: unknown = LANGUAGES[lang];
  for (const part of key.split(".")) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  const text = typeof node === "string" ? node : key;
  if (!vars) return text;
  return text.replace(/\{\{(\w+)\}\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Every leaf key of a dictionary, for the parity check. */
export function flatKeys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}${k}`] : flatKeys(v as object, `${prefix}${k}.`),
  );
}
