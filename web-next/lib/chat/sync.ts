/**
 * The conversation as the server knows it (`GET /api/v1/memory/session/{id}`) merged with the copy
 * in localStorage. The server is the source of truth for finished turns: a reload, another browser
 * or a cleared localStorage all get the conversation back from it. The local copy adds what the
 * server does not keep: running answers (with their SSE resume id), failures, Direct-mode answers,
 * badges and feedback.
 */
import type { Schemas } from "@/lib/api/client";
import { hiddenTasks } from "./alternatives";
import { TERMINAL, msgId, type ChatMessage } from "./store";

/** A stored turn and a session's history, as `GET /api/v1/memory/session/{id}` answers them. */
export type ServerTurn = Schemas["TurnView"];
export type ServerSession = Pick<Schemas["SessionHistory"], "history" | "count">;

const keyOf = (role: string, taskId: string) => `${role}:${taskId}`;

/** The server's turns that the local copy does not show yet, as chat messages. */
function missingTurns(local: ChatMessage[], server: ServerTurn[]): ChatMessage[] {
  const shown = new Set<string>();
  for (const m of local) {
    if (m.role === "assistant" && m.taskId) {
      shown.add(keyOf("assistant", m.taskId));
      shown.add(keyOf("user", m.taskId)); // the question sits right before its answer
    }
  }
  // Regenerated answers are shown beside the answer they replace, not as turns of their own.
  const alternatives = hiddenTasks();
  const out: ChatMessage[] = [];
  for (const turn of server) {
    if (turn.role !== "user" && turn.role !== "assistant") continue;
    if (turn.task_id && (shown.has(keyOf(turn.role, turn.task_id)) || alternatives.has(turn.task_id))) continue;
    const at = turn.timestamp ? Date.parse(turn.timestamp) : NaN;
    out.push({
      id: msgId(),
      role: turn.role,
      content: turn.content,
      createdAt: Number.isFinite(at) ? at : 0,
      mode: "normal",
      ...(turn.role === "assistant" ? { status: "COMPLETED" as const, taskId: turn.task_id ?? undefined } : {}),
    });
  }
  return out;
}

/** Local messages plus the server's turns they lack, in time order (stable for equal times). */
export function mergeHistory(local: ChatMessage[], server: ServerTurn[]): ChatMessage[] {
  const missing = missingTurns(local, server);
  if (!missing.length) return local;
  return [...local, ...missing]
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.createdAt - b.m.createdAt || a.i - b.i)
    .map(({ m }) => m);
}

/**
 * True when the server no longer has this conversation although it should: it answered tasks in it
 * (a finished task's turns are stored before the task completes) and now reports no history. That
 * happens after the backend's data was reset or the session was deleted elsewhere.
 */
export function sessionGone(local: ChatMessage[], server: ServerSession): boolean {
  if (server.count > 0) return false;
  return local.some((m) => m.role === "assistant" && !!m.taskId && m.status === "COMPLETED" && TERMINAL.has(m.status));
}
