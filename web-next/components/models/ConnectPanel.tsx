"use client";

import { useState } from "react";
import { useLive } from "@/components/providers/Live";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge } from "@/components/ui/Badge";
import { Panel } from "@/components/ui/Panel";
import { apiGet, apiPost, type Schemas } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";

type Probe = Schemas["ProbeResult"];

/** Connect a model: find local model servers (`/api/v1/providers/probe`, plus a typed URL), test
 *  one, and connect to one of its models (saved to the config and used at once). */
export function ConnectPanel({ onConnected }: { onConnected: () => Promise<void> }) {
  const { t } = usePrefs();
  const toast = useToast();
  const { refresh } = useLive();
  const [url, setUrl] = useState("");
  const [probe, setProbe] = useState<Probe | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };
  const scan = () => run(async () => {
    setProbe(url.trim() ? await apiPost("/api/v1/providers/probe", { body: { urls: [url.trim()] } }) : await apiGet("/api/v1/providers/probe"));
  });
  const test = (provider: string, endpoint: string) => run(async () => {
    const r = await apiPost("/api/v1/providers/{name}/test", { params: { name: provider }, body: { endpoint } });
    toast(r.message, r.ok ? "success" : "error");
  });
  const connect = (body: Schemas["ConnectBody"]) => run(async () => {
    const r = await apiPost("/api/v1/providers/connect", { body });
    toast(r.message, "success");
    await Promise.all([onConnected(), refresh()]);
  });

  return (
    <Panel title={t("models.connect.title")} testId="models-connect">
      <p className="small muted">{t("models.connect.hint")}</p>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void scan(); }}>
        <label className="sr-only" htmlFor="connect-url">URL</label>
        <input id="connect-url" type="text" placeholder="http://127.0.0.1:11434" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="connect-url" />
        <button type="submit" className="btn btn--sm" disabled={busy} data-testid="connect-scan">{t("models.connect.scan")}</button>
      </form>
      {probe ? (
        <ul className="ops" data-testid="connect-servers">
          {probe.servers.map((s) => (
            <li key={s.url} data-testid="connect-server" data-status={s.status}>
              <div className="row">
                <span className="mono small">{s.name} · {s.url}</span>
                <Badge tone={s.status === "found" ? "success" : "neutral"}>{s.status === "found" ? t("models.connect.found") : (s.error_code ?? s.status)}</Badge>
                {s.provider ? <button type="button" className="btn btn--ghost btn--sm" disabled={busy} onClick={() => void test(s.provider ?? "", s.url)}>{t("models.connect.test")}</button> : null}
              </div>
              {s.connect.length > 0 ? (
                <div className="row">
                  {s.connect.map((c) => (
                    <button key={c.model} type="button" className="btn btn--sm" disabled={busy} onClick={() => void connect(c)} data-testid="connect-model">{t("models.connect.use", { model: c.model })}</button>
                  ))}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}
