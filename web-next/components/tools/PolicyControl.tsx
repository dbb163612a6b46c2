"use client";

import { useId, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge, type Tone } from "@/components/ui/Badge";
import { ErrorState } from "@/components/ui/States";
import { apiPut } from "@/lib/api/client";
import type { ToolPolicyView as PolicyView, ToolView } from "@/lib/api/types";

type Policy = ToolView["policy"];
type Choice = Policy | "default";

const CHOICES: Choice[] = ["default", "allow", "ask", "deny"];
const TONE: Record<Policy, Tone> = { allow: "success", ask: "warning", deny: "danger" };

/** One tool's approval policy (`PUT /api/v1/tools/{id}/policy`, admin). A native select, so it is
 *  reachable and operable from the keyboard; "default" sends null (back to what the side effect and
 *  the autonomy level give). Never disabled while saving, so keyboard focus stays on it. The API's answer is shown at once; a refusal (403 when not admin) is
 *  shown under the control and the select goes back to the stored value. */
export function PolicyControl({ tool }: { tool: ToolView }) {
  const { t } = usePrefs();
  const id = useId();
  // The API's answer to our last PUT, for the list as it was read then: once the list is read again
  // (say, an approval remembered as a policy), the newer list wins.
  const seen = `${tool.policy}:${tool.policy_source}`;
  const [answer, setAnswer] = useState<{ seen: string; view: PolicyView } | null>(null);
  const saved = answer?.seen === seen ? answer.view : null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const policy = saved?.policy ?? tool.policy;
  const source = saved?.policy_source ?? tool.policy_source;
  const value: Choice = source === "set" ? policy : "default";

  const change = async (next: Choice) => {
    if (next === value || busy) return;
    setBusy(true);
    setError(null);
    try {
      const view = await apiPut("/api/v1/tools/{tool_id}/policy", { params: { tool_id: tool.id }, body: { policy: next === "default" ? null : next } });
      setAnswer({ seen, view });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const label = (c: Choice) => (c === "default"
    ? (source === "default" ? t("toolPolicy.defaultIs", { policy: t(`toolPolicy.value.${policy}`) }) : t("toolPolicy.default"))
    : t(`toolPolicy.value.${c}`));

  return (
    <div className="tool-policy" data-testid="tool-policy" data-policy={policy} data-source={source}>
      <div className="row tool-policy__row">
        <label htmlFor={id} className="small">{t("toolPolicy.label")}</label>
        <select id={id} value={value} aria-busy={busy} aria-describedby={`${id}-src`}
          aria-label={t("toolPolicy.aria", { name: tool.function_name })}
          onChange={(e) => void change(e.target.value as Choice)} data-testid="tool-policy-select">
          {CHOICES.map((c) => <option key={c} value={c}>{label(c)}</option>)}
        </select>
        <Badge tone={TONE[policy]} testId="tool-policy-value">{t(`toolPolicy.value.${policy}`)}</Badge>
        <span id={`${id}-src`} className="muted small" data-testid="tool-policy-source">
          {source === "set" ? t("toolPolicy.sourceSet") : t("toolPolicy.sourceDefault")}
        </span>
      </div>
      {error ? <ErrorState error={error} what={`PUT /api/v1/tools/${tool.id}/policy`} /> : null}
    </div>
  );
}
