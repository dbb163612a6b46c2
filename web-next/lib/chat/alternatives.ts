/**
 * Regenerated answers ("alternatives"): each is its own task in the same session, kept beside the
 * answer it replaces so the person can page through them ("2/3"). They live in localStorage per
 * session; the server stores them as ordinary turns, so their task ids are remembered here too and
 * the history merge (sync.ts) leaves those turns out instead of showing them twice.
 */
import type { MsgStatus } from "./store";

export interface Alternative {
  taskId?: string;
  content: string;
  status: MsgStatus;
  error?: { code: string; message: string };
  lastSeq?: string;
  sentAt: number;
  firstTokenMs?: number;
  totalMs?: number;
}

/** Per answer (its task id, which survives the conversation being rebuilt from the server; the
 *  message id for a Direct answer, which has no task): the regenerated versions and which one is shown (0 = the original). */
export type AlternativeMap = Record<string, { list: Alternative[]; shown: number }>;

const key = (session: string) => `venom-alts:${session}`;
const HIDDEN_KEY = "venom-alt-tasks";
const MAX_HIDDEN = 1000;

export function loadAlternatives(session: string): AlternativeMap {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key(session)) ?? "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as AlternativeMap) : {};
  } catch {
    return {};
  }
}

export function saveAlternatives(session: string, map: AlternativeMap): void {
  try {
    if (Object.keys(map).length) localStorage.setItem(key(session), JSON.stringify(map));
    else localStorage.removeItem(key(session));
  } catch {
    /* quota: the alternatives are lost on reload, the conversation is not */
  }
}

function hidden(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** Remember that `taskId` is a regenerated answer (its turns are not new messages). */
export function hideTask(taskId: string): void {
  try {
    localStorage.setItem(HIDDEN_KEY, JSON.stringify([...hidden().filter((t) => t !== taskId), taskId].slice(-MAX_HIDDEN)));
  } catch {
    /* ignore */
  }
}

/** The task ids of every regenerated answer this browser made. */
export function hiddenTasks(): ReadonlySet<string> {
  return typeof localStorage === "undefined" ? new Set() : new Set(hidden());
}
