"use client";

import { useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Panel } from "@/components/ui/Panel";
import { ErrorState } from "@/components/ui/States";
import { apiPut } from "@/lib/api/client";
import type { McpServersView } from "@/lib/api/types";
import { configOf, parseServers } from "./config";

const EXAMPLE = `{
  "mcpServers": {
    "files": { "command": "npx", "args": ["-y", "some-mcp-server"] }
  }
}`;

/** Paste a server's JSON; it joins the stored config and the API validates the whole of it. */
export function AddServer({ view, onSaved }: { view: McpServersView | null; onSaved: (next: McpServersView) => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [text, setText] = useState("");
  const [saving, setSaving] = useState(false);
  const [local, setLocal] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setError(null);
    const parsed = parseServers(text);
    if (!parsed.ok) {
      setLocal(parsed.error === "invalid" ? t("tools.invalidJson", { reason: parsed.reason }) : t(`tools.${parsed.error}`));
      return;
    }
    setLocal(null);
    setSaving(true);
    try {
      const next = await apiPut("/api/v1/mcp/servers", { body: { mcpServers: { ...configOf(view), ...parsed.servers } }, timeoutMs: 30_000 });
      toast(t("tools.added", { names: Object.keys(parsed.servers).join(", ") }), "success");
      setText("");
      onSaved(next);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Panel title={t("tools.add")} testId="mcp-add">
      <form className="stack" style={{ gap: 8 }} onSubmit={(e) => { e.preventDefault(); if (text.trim()) void save(); }}>
        <label htmlFor="mcp-json" className="small">{t("tools.json")}</label>
        <p id="mcp-json-hint" className="muted small" style={{ margin: 0 }}>{t("tools.addHint")}</p>
        <textarea id="mcp-json" className="mono" rows={8} spellCheck={false} value={text} placeholder={EXAMPLE} aria-describedby="mcp-json-hint"
          aria-invalid={local || error ? true : undefined} onChange={(e) => setText(e.target.value)} data-testid="mcp-json" />
        <div><button type="submit" className="btn btn--primary btn--sm" disabled={saving || !text.trim()} data-testid="mcp-save">{t("tools.save")}</button></div>
      </form>
      {local ? <div className="state state--error" role="alert" data-testid="mcp-json-error"><p>{local}</p></div> : null}
      {error ? <ErrorState error={error} what="PUT /api/v1/mcp/servers" /> : null}
    </Panel>
  );
}
