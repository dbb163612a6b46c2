"use client";

/**
 * The conversation list (`GET /api/v1/sessions`): pinned first, then newest first, searched by
 * title and message text, paged through the `Link` header. It follows `/ws/events`: a rename,
 * pin or deletion in any tab (SESSION_UPDATED / SESSION_DELETED) applies at once, and a finished
 * task (a new or longer conversation, in this tab or another) re-reads the rows already shown.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { apiDelete, apiGetPage, apiPatch, type Schemas } from "@/lib/api/client";
import { isEvent, type EventType } from "@/lib/ws";

export type Conversation = Schemas["SessionSummary"];

const PAGE = 30;
/** The API's largest page: a live re-read covers at most this many rows. */
const MAX_LIMIT = 200;
const SEARCH_DELAY_MS = 250;
/** Events come in bursts (a task's end, then a rename): one re-read for the lot. */
const RELOAD_DELAY_MS = 300;
const RELOAD_ON = ["SESSION_UPDATED", "SESSION_DELETED", "TASK_COMPLETED", "TASK_FAILED", "TASK_ABORTED"] as const satisfies readonly EventType[];

function appendNew(rows: Conversation[], more: Conversation[]): Conversation[] {
  const seen = new Set(rows.map((r) => r.session_id));
  return [...rows, ...more.filter((r) => !seen.has(r.session_id))];
}

export function useConversations() {
  const { subscribe } = useLive();
  const [items, setItems] = useState<Conversation[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  /** Only the latest read may change the list (a slow first page must not undo a search). */
  const token = useRef(0);
  const queryRef = useRef("");
  const shown = useRef(PAGE);

  const load = useCallback(async (limit: number) => {
    const mine = ++token.current;
    setLoading(true);
    try {
      const q = queryRef.current.trim();
      const page = await apiGetPage("/api/v1/sessions", { query: { limit: Math.min(MAX_LIMIT, Math.max(PAGE, limit)), q: q || undefined } });
      if (mine !== token.current) return;
      setItems(page.items);
      setNext(page.next);
      setError(null);
    } catch (err) {
      if (mine === token.current) setError(err);
    } finally {
      if (mine === token.current) setLoading(false);
    }
  }, []);

  const reload = useCallback(() => load(shown.current), [load]);

  const loadMore = useCallback(async () => {
    if (!next) return;
    const mine = ++token.current;
    setLoading(true);
    try {
      const page = await apiGetPage("/api/v1/sessions", { next });
      if (mine !== token.current) return;
      setItems((prev) => {
        const all = appendNew(prev, page.items);
        shown.current = all.length;
        return all;
      });
      setNext(page.next);
      setError(null);
    } catch (err) {
      if (mine === token.current) setError(err);
    } finally {
      if (mine === token.current) setLoading(false);
    }
  }, [next]);

  // The first page, and again (debounced) whenever the search changes.
  const first = useRef(true);
  useEffect(() => {
    queryRef.current = query;
    shown.current = PAGE;
    if (first.current) {
      first.current = false;
      void load(PAGE);
      return;
    }
    const id = setTimeout(() => void load(PAGE), SEARCH_DELAY_MS);
    return () => clearTimeout(id);
  }, [query, load]);

  useEffect(() => {
    let later: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe((ev) => {
      if (!isEvent(ev, ...RELOAD_ON)) return;
      if (ev.type === "SESSION_DELETED") {
        const id = ev.data.session_id;
        setItems((prev) => prev.filter((c) => c.session_id !== id));
      }
      if (ev.type === "SESSION_UPDATED") {
        const row = ev.data;
        setItems((prev) => prev.map((c) => (c.session_id === row.session_id ? { ...c, title: row.title, pinned: row.pinned } : c)));
      }
      if (!later) {
        later = setTimeout(() => {
          later = null;
          void reload();
        }, RELOAD_DELAY_MS);
      }
    });
    return () => {
      off();
      if (later) clearTimeout(later);
    };
  }, [subscribe, reload]);

  const rename = useCallback(async (id: string, title: string) => {
    const row = await apiPatch("/api/v1/sessions/{session_id}", { params: { session_id: id }, body: { title } });
    setItems((prev) => prev.map((c) => (c.session_id === id ? row : c)));
  }, []);

  const setPinned = useCallback(
    async (id: string, pinned: boolean) => {
      const row = await apiPatch("/api/v1/sessions/{session_id}", { params: { session_id: id }, body: { pinned } });
      setItems((prev) => prev.map((c) => (c.session_id === id ? row : c)));
      await reload(); // pinning moves it between the groups
    },
    [reload],
  );

  const remove = useCallback(async (id: string) => {
    await apiDelete("/api/v1/sessions/{session_id}", { params: { session_id: id } });
    setItems((prev) => prev.filter((c) => c.session_id !== id));
  }, []);

  return { items, next, query, setQuery, loading, error, reload, loadMore, rename, setPinned, remove };
}
