// Locale parity: pl and de must have exactly the keys of en, no empty strings, and the same
// {{placeholders}}. The TypeScript `Dictionary` type already rejects missing and extra keys at
// build time; this check also runs without a build and catches placeholder mismatches.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import ts from "typescript";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "lib", "i18n");

async function load(name) {
  const src = readFileSync(path.join(dir, `${name}.ts`), "utf8");
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(js).toString("base64")}`);
  return mod[name];
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
