"use client";

import { usePrefs } from "@/components/providers/Preferences";
import { Badge, type Tone } from "@/components/ui/Badge";
import { Empty } from "@/components/ui/States";
import type { ToolView } from "@/lib/api/types";
import { PolicyControl } from "./PolicyControl";

const EFFECT_TONE: Record<ToolView["side_effect"], Tone> = { read: "success", write: "warning", network: "info", exec: "danger" };

/** Tools with what the model sees (function name, description), side effect, autonomy, availability
 *  and the approval policy (set here, or the default). */
export function ToolList({ tools }: { tools: ToolView[] }) {
  const { t } = usePrefs();
  if (tools.length === 0) return <Empty text={t("tools.toolsEmpty")} />;
  return (
    <ul className="list tool-list">
      {tools.map((tool) => (
        <li key={tool.id} className="list__row tool-row" data-testid="tool-row" data-tool-id={tool.id} data-available={tool.available}>
          <div className="doc-row__head">
            <code className="list__main" title={tool.id} data-testid="tool-name">{tool.function_name}</code>
            <Badge tone={EFFECT_TONE[tool.side_effect]} title={t("tools.sideEffect")} testId="tool-effect">{t(`tools.effect.${tool.side_effect}`)}</Badge>
            <Badge title={t("tools.autonomy")} testId="tool-autonomy">{tool.autonomy_level_name} ({tool.autonomy_level})</Badge>
          </div>
          {tool.description ? <p className="tool-row__desc small">{tool.description}</p> : null}
          <PolicyControl tool={tool} />
          {!tool.available ? (
            <p className="doc-row__error small" data-testid="tool-unavailable"><strong>{t("tools.unavailable")}</strong>{tool.unavailable_reason ? `: ${tool.unavailable_reason}` : null}</p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
