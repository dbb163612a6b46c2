// Locale parity: pl and de must have exactly the keys of en, no empty strings, and the same
// {{placeholders}}. The TypeScript `Dictionary` type already rejects missing and extra keys at
// build time; this check also runs without a build and catches placeholder mismatches.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import ts from "typescript";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "lib", "i18n");

// A language is a folder with one file per part of the UI; its dictionary is every part together.
// The parts import only types, which transpiling erases, so each loads on its own.
async function load(lang) {
  const dictionary = {};
  for (const file of readdirSync(path.join(dir, lang)).filter((f) => f.endsWith(".ts") && f !== "index.ts").sort()) {
    const src = readFileSync(path.join(dir, lang, file), "utf8");
    const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const part = await import(`data:text/javascript;base64,${Buffer.from(js).toString("base64")}`);
    for (const exported of Object.values(part)) Object.assign(dictionary, exported);
  }
  return dictionary;
}

function flat(obj, prefix = "") {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === "string" ? [[`${prefix}${k}`, v]] : flat(v, `${prefix}${k}.`)));
}

const placeholders = (s) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort().join(",");
const base = new Map(flat(await load("en")));
let failures = 0;
for (const lang of ["pl", "de"]) {
  const other = new Map(flat(await load(lang)));
  for (const key of base.keys()) if (!other.has(key)) { console.error(`${lang}: missing ${key}`); failures++; }
  for (const [key, value] of other) {
    if (!base.has(key)) { console.error(`${lang}: extra ${key}`); failures++; continue; }
    if (!value.trim()) { console.error(`${lang}: empty ${key}`); failures++; }
    if (placeholders(value) !== placeholders(base.get(key))) { console.error(`${lang}: placeholders differ in ${key}`); failures++; }
  }
}
if (failures) process.exit(1);
console.log(`locales ok: ${base.size} keys in en, pl, de`);
