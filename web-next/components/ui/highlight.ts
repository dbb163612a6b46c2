/**
 * Syntax highlighting for code blocks in answers. highlight.js core with only the common languages
 * registered (the full bundle is ~10x larger); anything else renders as escaped plain text.
 */
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const LANGUAGES = { bash, c, cpp, css, diff, dockerfile, go, ini, java, javascript, json, markdown, plaintext, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, def] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, def);
// Auto-detection over every registered grammar is slow on long answers and often wrong on short
// snippets; it only runs for unlabeled blocks and only over the languages models write most.
const AUTO = ["python", "javascript", "typescript", "bash", "json", "xml", "css", "sql", "yaml", "go", "rust", "java", "cpp"];
const MAX_AUTO = 20_000;

export const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The highlighted HTML of `code` and the language it was read as ("" when plain). */
export function highlight(code: string, lang: string | undefined): { html: string; lang: string } {
  const wanted = (lang ?? "").trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  try {
    if (wanted && hljs.getLanguage(wanted)) {
      return { html: hljs.highlight(code, { language: wanted, ignoreIllegals: true }).value, lang: wanted };
    }
    if (!wanted && code.length <= MAX_AUTO) {
      const auto = hljs.highlightAuto(code, AUTO);
      if (auto.language && auto.relevance >= 5) return { html: auto.value, lang: auto.language };
    }
  } catch {
    /* a grammar that throws on odd input: fall back to plain text */
  }
  return { html: escapeHtml(code), lang: wanted };
}
