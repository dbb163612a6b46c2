"use client";

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { isCompleteToken, suggest } from "@/lib/chat/slash";
import type { Mode } from "@/lib/chat/store";
import { DocChips, DocSuggestions, hashQuery, matchDocs, useDocList, type PickedDoc } from "./DocPicker";

interface Props {
  busy: boolean;
  onSend: (text: string, mode: Mode, storeKnowledge: boolean, documentIds?: string[]) => Promise<boolean>;
  onNewChat: () => void;
}

const MODES: Mode[] = ["direct", "normal", "complex"];

export function Composer({ busy, onSend, onNewChat }: Props) {
  const { t } = usePrefs();
  const [text, setText] = useState("");
  const [mode, setMode] = useState<Mode>("normal");
  const [store, setStore] = useState(true);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  /** True once the arrows moved through the suggestions: Enter then picks instead of sending. */
  const [picking, setPicking] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  /** The `#` picker: the chosen documents, where the caret is, and which match is highlighted. */
  const [picked, setPicked] = useState<PickedDoc[]>([]);
  const [caret, setCaret] = useState(0);
  const [docActive, setDocActive] = useState(0);
  const hash = dismissed ? null : hashQuery(text, caret);
  const docList = useDocList(hash !== null);
  const docMatches = hash && docList ? matchDocs(docList, hash.query, picked) : [];
  const suggestions = dismissed || hash ? [] : suggest(text);

  // `/` anywhere outside a field jumps to the composer (the slash itself is not typed).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const el = e.target instanceof HTMLElement ? e.target : null;
      if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
      if (document.querySelector("dialog[open]")) return;
      e.preventDefault();
      input.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const submit = async () => {
    if (!text.trim()) return;
    // The draft is cleared only when the send went through.
    // The chosen documents stay as the scope of the next questions until removed.
    if (await onSend(text, mode, store, picked.map((d) => d.id))) setText("");
  };
  const pickDoc = (d: PickedDoc) => {
    if (!hash) return;
    const next = text.slice(0, hash.start) + text.slice(caret);
    setText(next);
    setPicked((p) => (p.some((x) => x.id === d.id) ? p : [...p, { id: d.id, name: d.name }]));
    setDocActive(0);
    setCaret(hash.start);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(hash.start, hash.start);
    });
  };
  const unpick = (id: string) => {
    setPicked((p) => p.filter((d) => d.id !== id));
    input.current?.focus();
  };
  const apply = (token: string) => {
    setText(`${token} `);
    setActive(0);
    setPicking(false);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    const el = e.currentTarget;
    if (e.key === "Backspace" && picked.length > 0 && el.selectionStart === 0 && el.selectionEnd === 0) {
      e.preventDefault();
      setPicked((p) => p.slice(0, -1));
      return;
    }
    if (hash) {
      const n = docMatches.length;
      if ((e.key === "ArrowDown" || e.key === "ArrowUp") && n > 0) {
        e.preventDefault();
        setDocActive((a) => (a + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
        return;
      }
      if ((e.key === "Enter" || e.key === "Tab") && n > 0) {
        e.preventDefault();
        const d = docMatches[Math.min(docActive, n - 1)];
        if (d) pickDoc(d);
        return;
      }
      if (e.key === "Escape") {
        setDismissed(true);
        return;
      }
    }
    if (suggestions.length > 0) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const n = suggestions.length;
        setActive((a) => (a + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
        setPicking(true);
        return;
      }
      // `/git` is a whole command although `/github` starts with it: Enter sends what was typed.
      const complete = e.key === "Enter" && !picking && isCompleteToken(text);
      if (!complete && (e.key === "Enter" || e.key === "Tab")) {
        e.preventDefault();
        const s = suggestions[Math.min(active, suggestions.length - 1)];
        if (s) apply(s.token);
        return;
      }
      if (e.key === "Escape") {
        setDismissed(true);
        return;
      }
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey || !e.shiftKey)) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <form className="composer" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <DocChips docs={picked} onRemove={unpick} />
      <div className="composer__input">
        {hash ? <DocSuggestions docs={docMatches} loading={docList === null} active={Math.min(docActive, Math.max(docMatches.length - 1, 0))} onPick={pickDoc} /> : null}
        {suggestions.length > 0 ? (
          <ul className="suggest" role="listbox" id="prompt-suggestions" data-testid="suggestions">
            {suggestions.map((s, i) => (
              <li key={s.token} role="option" aria-selected={i === active}>
                <button type="button" onMouseDown={(e) => { e.preventDefault(); apply(s.token); }} className={i === active ? "suggest--active" : ""}>
                  <code>{s.token}</code> <span className="muted">{t(`slash.${s.hint}`)}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <label htmlFor="prompt" className="sr-only">{t("cockpit.placeholder")}</label>
        <textarea
          id="prompt"
          data-testid="prompt-input"
          rows={2}
          value={text}
          placeholder={t("cockpit.placeholder")}
          aria-keyshortcuts="/"
          ref={input}
          aria-controls={hash ? "doc-suggestions" : undefined}
          onChange={(e) => { setText(e.target.value); setCaret(e.target.selectionStart); setDismissed(false); setActive(0); setDocActive(0); setPicking(false); }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKey}
        />
      </div>
      <div className="composer__bar">
        <div className="segmented" role="radiogroup" aria-label={t("cockpit.mode")} data-testid="mode-select">
          {MODES.map((m) => (
            <button key={m} type="button" role="radio" aria-checked={mode === m} className={mode === m ? "on" : ""} onClick={() => setMode(m)} data-testid={`mode-${m}`}
              title={t(m === "direct" ? "cockpit.modeHintDirect" : m === "normal" ? "cockpit.modeHintNormal" : "cockpit.modeHintComplex")}>
              {t(m === "direct" ? "cockpit.modeDirect" : m === "normal" ? "cockpit.modeNormal" : "cockpit.modeComplex")}
            </button>
          ))}
        </div>
        <label className="check small">
          <input type="checkbox" checked={store} onChange={(e) => setStore(e.target.checked)} /> {t("cockpit.storeKnowledge")}
        </label>
        <span className="spacer" />
        <button type="button" className="btn btn--ghost" onClick={onNewChat} data-testid="new-chat">{t("cockpit.newChat")}</button>
        <button type="submit" className="btn btn--primary" disabled={!text.trim() || busy} data-testid="send-button">{t("cockpit.send")}</button>
      </div>
    </form>
  );
}
