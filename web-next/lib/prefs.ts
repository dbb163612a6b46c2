/** Theme names and storage keys, shared by the server layout and the client provider. */
export type Theme = "venom-dark" | "venom-light";
export const THEME_STORAGE_KEY = "venom-theme";
export const isTheme = (v: unknown): v is Theme => v === "venom-dark" || v === "venom-light";
