/**
 * Chat messages of the current session, kept in localStorage so a reload keeps the conversation
 * AND the last SSE event id of each running answer (that is what makes resume lossless).
 */
import type { components } from "@/lib/api/schema";

export type Mode = "direct" | "normal" | "complex";
export type MsgStatus = "SENDING" | "PENDING" | "PROCESSING" | "COMPLETED" | "FAILED" | "CANCELLED" | "LOST";

export interface PlanStep {
  title: string;
  status: "pending" | "running" | "done";
}

export interface ChatMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
  createdAt: number;
  mode: Mode;
  status?: MsgStatus;
  taskId?: string;
  forced?: string;
  error?: { code: string; message: string; actions?: RefusalAction[] };
  /** Last SSE `id:` seen for this answer. */
  lastSeq?: string;
  resumed?: boolean;
  feedback?: "up" | "down";
  plan?: PlanStep[];
  sentAt?: number;
  firstTokenMs?: number;
  /** How many stream frames added text (a streamed answer has more than one). */
  chunks?: number;
  totalMs?: number;
  /** The document passages the answer was given (from the task's frames). */
  citations?: Citation[];
  /** The task's tool calls, in the order they started. */
  tools?: ToolCall[];
  /** Tool calls that waited (or wait) for a person. */
  approvals?: ApprovalPrompt[];
}

export type Citation = components["schemas"]["CitationInfo"];
/** What a person can do about an autonomy refusal: open the setting, or allow it once. */
export type RefusalAction = components["schemas"]["RefusalAction"];

export interface ToolCall {
  callId: string;
  name: string;
  state: "running" | "done" | "failed";
  durationMs?: number;
  error?: string;
}

export interface ApprovalPrompt {
  callId: string;
  toolId: string;
  functionName: string;
  arguments: unknown;
  /** Unix time in ms after which an unanswered request counts as denied. */
  expiresAt: number;
  state: "pending" | "approved" | "denied" | "timeout";
  remember?: boolean;
}

export const TERMINAL: ReadonlySet<MsgStatus> = new Set(["COMPLETED", "FAILED", "CANCELLED", "LOST"]);
const SESSION_KEY = "venom-session-id";
const chatKey = (session: string) => `venom-chat:${session}`;

export function newSessionId(): string {
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `session-${Date.now()}-${rand}`;
}

export function loadSession(): string {
  let id = localStorage.getItem(SESSION_KEY);
  if (!id) {
    id = newSessionId();
    localStorage.setItem(SESSION_KEY, id);
  }
  return id;
}

export function startSession(): string {
  const old = localStorage.getItem(SESSION_KEY);
  if (old) localStorage.removeItem(chatKey(old));
  const id = newSessionId();
  localStorage.setItem(SESSION_KEY, id);
  return id;
}

/** Make `id` the current session (a conversation reopened from the list); its local copy stays. */
export function selectSession(id: string): void {
  localStorage.setItem(SESSION_KEY, id);
}

/** Drop the local copy of a conversation that was deleted. */
export function forgetMessages(session: string): void {
  localStorage.removeItem(chatKey(session));
}

export function loadMessages(session: string): ChatMessage[] {
  try {
    const raw = localStorage.getItem(chatKey(session));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as ChatMessage[]) : [];
  } catch {
    return [];
  }
}

export function saveMessages(session: string, messages: ChatMessage[]): void {
  try {
    localStorage.setItem(chatKey(session), JSON.stringify(messages.slice(-200)));
  } catch {
    /* quota: the conversation still lives on the server */
  }
}

export function msgId(): string {
  return `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
