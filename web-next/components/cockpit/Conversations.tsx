"use client";

import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { ErrorState } from "@/components/ui/States";
import { messageOf } from "@/lib/api/errors";
import { forgetMessages } from "@/lib/chat/store";
import { useConversations, type Conversation } from "./useConversations";

interface Props {
  id: string;
  /** The session the chat shows (highlighted; it may not be stored yet). */
  current: string | null;
  /** Narrow screens: the list is a drawer, open or closed. */
  open: boolean;
  onClose: () => void;
  onOpen: (sessionId: string) => void;
  onNew: () => void;
}

/** The conversation sidebar: every stored chat, searchable, reopened, renamed, pinned or deleted. */
export function Conversations({ id, current, open, onClose, onOpen, onNew }: Props) {
  const { t, lang } = usePrefs();
  const toast = useToast();
  const list = useConversations();
  const [editing, setEditing] = useState<string | null>(null);
  const [doomed, setDoomed] = useState<Conversation | null>(null);
  const search = useRef<HTMLInputElement>(null);

  // The drawer takes the focus when it opens and gives Escape a way out.
  useEffect(() => {
    if (!open) return;
    search.current?.focus();
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "Escape" && !editing && !doomed) onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, onClose, editing, doomed]);

  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(tick);
  }, []);
  const { items } = list;
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the clock the new rows are measured against
    setNow(Date.now());
  }, [items]);
  const rel = useMemo(() => new Intl.RelativeTimeFormat(lang, { numeric: "auto" }), [lang]);
  const ago = (iso: string) => {
    // Never in the future: the server's clock may run a little ahead of this one.
    const s = Math.min(0, Math.round((Date.parse(iso) - now) / 1000));
    const a = Math.abs(s);
    if (a < 60) return rel.format(s, "second");
    if (a < 3600) return rel.format(Math.round(s / 60), "minute");
    if (a < 86_400) return rel.format(Math.round(s / 3600), "hour");
    return rel.format(Math.round(s / 86_400), "day");
  };

  const fail = (err: unknown) => toast(messageOf(err), "error");
  const stored = list.items.some((c) => c.session_id === current);
  const searching = list.query.trim() !== "";

  const confirmDelete = async () => {
    const c = doomed;
    setDoomed(null);
    if (!c) return;
    // Leave the conversation first, so the deletion's live event finds this tab elsewhere.
    if (c.session_id === current) onNew();
    try {
      await list.remove(c.session_id);
      forgetMessages(c.session_id);
      toast(t("conversations.deleted"), "success");
    } catch (err) {
      fail(err);
    }
  };

  return (
    <>
      {open ? <div className="drawer-backdrop" onClick={onClose} aria-hidden data-testid="conversations-backdrop" /> : null}
      <aside id={id} className="conversations panel" data-open={open ? "true" : "false"} aria-label={t("conversations.title")} data-testid="conversations">
        <header className="panel__head">
          <h2 className="panel__title">{t("conversations.title")}</h2>
          <div className="panel__actions">
            <button type="button" className="icon-btn conversations__close" onClick={onClose} aria-label={t("conversations.close")} title={t("conversations.close")} data-testid="conversations-close">✕</button>
          </div>
        </header>
        <div className="panel__body conversations__body">
          <button type="button" className="btn btn--primary" onClick={onNew} data-testid="conversation-new">+ {t("conversations.new")}</button>
          <input
            ref={search}
            type="search"
            value={list.query}
            onChange={(e) => list.setQuery(e.target.value)}
            placeholder={t("conversations.search")}
            aria-label={t("conversations.search")}
            data-testid="conversations-search"
          />
          {list.error && list.items.length === 0 ? <ErrorState error={list.error} what="/api/v1/sessions" /> : null}
          <ul className="conv-list" data-testid="conversation-list" aria-busy={list.loading}>
            {!stored && !searching && current ? (
              <li className="conv conv--active" data-testid="conversation-draft">
                <span className="conv__open" aria-current="true">
                  <span className="conv__title">{t("conversations.draft")}</span>
                </span>
              </li>
            ) : null}
            {!list.loading && !list.error && list.items.length === 0 ? (
              <li className="empty">{searching ? t("conversations.noMatches", { q: list.query.trim() }) : t("conversations.empty")}</li>
            ) : null}
            {list.items.map((c) => (
              <Row
                key={c.session_id}
                c={c}
                active={c.session_id === current}
                editing={editing === c.session_id}
                meta={`${ago(c.updated_at)} · ${t("conversations.messages", { n: c.message_count })}`}
                onOpen={() => onOpen(c.session_id)}
                onEdit={() => setEditing(c.session_id)}
                onRename={(title) => {
                  setEditing(null);
                  if (title && title !== c.title) list.rename(c.session_id, title).catch(fail);
                }}
                onCancelEdit={() => setEditing(null)}
                onPin={() => list.setPinned(c.session_id, !c.pinned).catch(fail)}
                onDelete={() => setDoomed(c)}
              />
            ))}
          </ul>
          {list.next ? (
            <button type="button" className="btn btn--ghost btn--sm conv-more" onClick={() => void list.loadMore()} disabled={list.loading} data-testid="conversations-more">
              {t("conversations.more")}
            </button>
          ) : null}
        </div>
      </aside>
      {/* Mounted only while asked: the Cockpit has one confirmation dialog at a time. */}
      {doomed ? (
        <ConfirmDialog open danger message={t("conversations.confirmDelete", { title: doomed.title })} onConfirm={() => void confirmDelete()} onCancel={() => setDoomed(null)} />
      ) : null}
    </>
  );
}

interface RowProps {
  c: Conversation;
  active: boolean;
  editing: boolean;
  meta: string;
  onOpen: () => void;
  onEdit: () => void;
  onRename: (title: string) => void;
  onCancelEdit: () => void;
  onPin: () => void;
  onDelete: () => void;
}

function Row({ c, active, editing, meta, onOpen, onEdit, onRename, onCancelEdit, onPin, onDelete }: RowProps) {
  const { t } = usePrefs();
  const [draft, setDraft] = useState(c.title);
  const done = useRef(false);
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      done.current = true;
      onRename(draft.trim());
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      done.current = true;
      onCancelEdit();
    }
  };
  return (
    <li className={`conv${active ? " conv--active" : ""}`} data-testid="conversation" data-session-id={c.session_id} data-pinned={c.pinned ? "true" : "false"}>
      {editing ? (
        <input
          type="text"
          className="conv__input"
          value={draft}
          maxLength={200}
          autoFocus
          aria-label={t("conversations.renameLabel")}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKey}
          onFocus={() => { done.current = false; }}
          onBlur={() => { if (!done.current) onRename(draft.trim()); }}
          data-testid="conversation-title-input"
        />
      ) : (
        <button type="button" className="conv__open" onClick={onOpen} aria-current={active ? "true" : undefined} data-testid="conversation-open">
          <span className="conv__title" data-testid="conversation-title">
            {c.pinned ? <span className="conv__pin" aria-label={t("conversations.pinned")} title={t("conversations.pinned")}>★ </span> : null}
            {c.title}
          </span>
          <span className="conv__meta muted small">{meta}</span>
        </button>
      )}
      <span className="conv__actions">
        <button type="button" className={`icon-btn${c.pinned ? " icon-btn--on" : ""}`} onClick={onPin} aria-pressed={c.pinned} aria-label={c.pinned ? t("conversations.unpin") : t("conversations.pin")} title={c.pinned ? t("conversations.unpin") : t("conversations.pin")} data-testid="conversation-pin">
          {c.pinned ? "★" : "☆"}
        </button>
        <button type="button" className="icon-btn" onClick={() => { setDraft(c.title); onEdit(); }} aria-label={t("conversations.rename")} title={t("conversations.rename")} data-testid="conversation-rename">✎</button>
        <button type="button" className="icon-btn" onClick={onDelete} aria-label={t("conversations.delete")} title={t("conversations.delete")} data-testid="conversation-delete">✕</button>
      </span>
    </li>
  );
}
