"use client";

import DOMPurify from "dompurify";
import { Marked, type Tokens } from "marked";
import { useMemo, type MouseEvent } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { copyText } from "./clipboard";
import { escapeHtml, highlight } from "./highlight";

/** One parser for answers: fenced code is highlighted and gets a copy button. The button's visible
 *  label comes from CSS (`attr(aria-label)`) so it is not part of the answer's text. */
function parser(copyLabel: string): Marked {
  return new Marked({
    gfm: true,
    breaks: true,
    renderer: {
      code({ text, lang }: Tokens.Code) {
        const { html, lang: shown } = highlight(text, lang);
        const cls = shown ? `hljs language-${escapeHtml(shown)}` : "hljs";
        return `<div class="codeblock" data-testid="code-block" data-lang="${escapeHtml(shown)}"><button type="button" class="codeblock__copy" data-copy="1" data-testid="code-copy" aria-label="${escapeHtml(copyLabel)}"></button><pre><code class="${cls}">${html}</code></pre></div>\n`;
      },
    },
  });
}

const PURIFY = { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input"], FORBID_ATTR: ["style"] };

/** Markdown from the model, parsed by marked and sanitized by DOMPurify before it touches the DOM. */
export function Markdown({ text, testId }: { text: string; testId?: string }) {
  const { t } = usePrefs();
  const copyLabel = t("actions.copyCode");
  const copied = t("actions.copied");
  const md = useMemo(() => parser(copyLabel), [copyLabel]);
  const html = useMemo(() => {
    if (typeof window === "undefined") return "";
    return DOMPurify.sanitize(md.parse(text, { async: false }), PURIFY);
  }, [md, text]);
  // One listener for every code block's copy button (the HTML is not React elements).
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const btn = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-copy]");
    const code = btn?.parentElement?.querySelector("code");
    if (!btn || !code) return;
    void copyText(code.textContent ?? "").then((ok) => {
      if (!ok) return;
      btn.setAttribute("aria-label", copied);
      btn.dataset.copied = "true";
      setTimeout(() => {
        btn.setAttribute("aria-label", copyLabel);
        delete btn.dataset.copied;
      }, 1500);
    });
  };
  return <div className="markdown" data-testid={testId} onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
