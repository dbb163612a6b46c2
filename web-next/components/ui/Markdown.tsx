"use client";

import DOMPurify from "dompurify";
import { marked } from "marked";
import { useMemo } from "react";

marked.setOptions({ gfm: true, breaks: true });

/** Markdown from the model, parsed by marked and sanitized by DOMPurify before it touches the DOM. */
export function Markdown({ text, testId }: { text: string; testId?: string }) {
  const html = useMemo(() => {
    if (typeof window === "undefined") return "";
    const raw = marked.parse(text, { async: false });
    return DOMPurify.sanitize(raw, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input"], FORBID_ATTR: ["style"] });
  }, [text]);
  return <div className="markdown" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}
