#!/usr/bin/env node
// Where each table is named: in SQL text (FROM/JOIN/INTO/UPDATE/ON <table>) and through its
// drizzle schema object, counted per top-level area of src/ (a feature, or lib, db, jobs...).
// Usage: node scripts/table-owners.mjs [srcDir]   (prints a Markdown table)
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = process.argv[2] ?? "src";
const schemaText = readFileSync(join(root, "db/schema.ts"), "utf8");
const tables = [...schemaText.matchAll(/export const (\w+) = sqliteTable\(\s*"(\w+)"/g)].map((m) => ({
  ident: m[1],
  name: m[2],
}));
const files = [];
(function walk(d) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.tsx?$/.test(e.name)) files.push(p);
  }
})(root);
const areaOf = (f) => {
  const parts = relative(root, f).split(sep);
  return parts[0] === "features" ? parts[1] : parts.length > 1 ? parts[0] : parts[0].replace(/\.tsx?$/, "");
};
const counts = new Map(tables.map((t) => [t.name, new Map()]));
for (const f of files) {
  if (f.endsWith(join("db", "schema.ts"))) continue;
  const text = readFileSync(f, "utf8");
  // SQL lives in template literals (sql``, q``) and plain strings; prose in comments does not count.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  const literals = [...code.matchAll(/`[^`]*`|"[^"\n]*"/g)].map((m) => m[0]).join("\n");
  for (const t of tables) {
    const sqlHits = literals.match(new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|ON)\\s+${t.name}\\b`, "gi"))?.length ?? 0;
    const imported = new RegExp(`import[^;]*\\b${t.ident}\\b[^;]*from\\s+"[^"]*db/schema\\.js"`, "s").test(text);
    // Uses of the schema object, not of a property or key that happens to share its name.
    const uses = code.match(new RegExp(`(?<![.\\w])${t.ident}\\b(?!\\s*\\??:)`, "g"))?.length ?? 0;
    const drizzleHits = imported ? Math.max(0, uses - 1) : 0;
    const n = sqlHits + drizzleHits;
    if (n > 0) {
      const m = counts.get(t.name);
      m.set(areaOf(f), (m.get(areaOf(f)) ?? 0) + n);
    }
  }
}
console.log("| table | areas naming it | places |");
console.log("|---|---|---|");
for (const [name, m] of counts) {
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  const areas = [...m.entries()].sort((a, b) => b[1] - a[1]).map(([a, n]) => `${a} ${n}`).join(", ");
  console.log(`| ${name} | ${areas || "-"} | ${total} |`);
}
