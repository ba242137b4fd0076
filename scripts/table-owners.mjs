#!/usr/bin/env node
// Which code names each table, in SQL text (FROM/JOIN/INTO/UPDATE/ON <table>) or through its
// drizzle schema object, counted per top-level area of src/ (a feature, or lib, db, cli...).
//
//   node scripts/table-owners.mjs            prints a Markdown table: places per table and area
//   node scripts/table-owners.mjs --check    exits 1 when code outside a table's owner names it
//                                            (npm run lint runs it)
//
// Other features read through the owner's index: functions, SQL fragments and typed row
// sources (see docs/ARCHITECTURE.md, "Table ownership").
// The owner of each table is declared here, once; docs/ARCHITECTURE.md shows the same map.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const OWNERS = {
  topics: "topics",
  people: "people",
  briefs: "briefs",
  brief_authors: "briefs",
  brief_topics: "briefs",
  events: "events",
  event_people: "events",
  event_topics: "events",
  event_briefs: "events",
  change_counters: "events",
  api_keys: "auth",
  audit_log: "audit",
  attendees: "registrations",
  registrations: "registrations",
  registration_counts: "registrations",
  access_tokens: "registrations",
  outbox: "outbox",
  rate_limits: "limits",
  recordings: "archive",
  recording_chapters: "archive",
  reminders: "reminders",
  webhook_endpoints: "webhooks",
  webhook_messages: "webhooks",
};

const args = process.argv.slice(2);
const check = args.includes("--check");
const root = args.find((a) => !a.startsWith("--")) ?? "src";

const schemaDir = join(root, "db/schema");
const schemaText = readdirSync(schemaDir)
  .map((f) => readFileSync(join(schemaDir, f), "utf8"))
  .join("\n");
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
const problems = [];
for (const f of files) {
  if (f.endsWith(join("db", "schema.ts")) || f.startsWith(schemaDir + sep)) continue;
  const text = readFileSync(f, "utf8");
  // SQL lives in template literals (sql``, q``) and plain strings; prose in comments does not count.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  const literals = [...code.matchAll(/`[^`]*`|"[^"\n]*"/g)].map((m) => m[0]).join("\n");
  const area = areaOf(f);
  const file = relative(root, f).split(sep).join("/");
  for (const t of tables) {
    const sqlHits = literals.match(new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|ON)\\s+${t.name}\\b`, "g"))?.length ?? 0;
    const writes = literals.match(new RegExp(`\\b(INTO|UPDATE|DELETE\\s+FROM)\\s+${t.name}\\b`, "g"))?.length ?? 0;
    const imported = new RegExp(`import[^;]*\\b${t.ident}\\b[^;]*from\\s+"[^"]*db/schema\\.js"`, "s").test(text);
    // Uses of the schema object, not of a property or key that happens to share its name.
    const uses = code.match(new RegExp(`(?<![.\\w])${t.ident}\\b(?!\\s*\\??:)`, "g"))?.length ?? 0;
    const drizzleHits = imported ? Math.max(0, uses - 1) : 0;
    const drizzleWrites = imported
      ? (code.match(new RegExp(`\\.(insert|update|delete)\\(\\s*${t.ident}\\b`, "g"))?.length ?? 0)
      : 0;
    const n = sqlHits + drizzleHits;
    if (n > 0) {
      const m = counts.get(t.name);
      m.set(area, (m.get(area) ?? 0) + n);
    }
    const owner = OWNERS[t.name];
    if (!owner) problems.push(`${t.name}: no owner declared in scripts/table-owners.mjs`);
    if (n === 0 || area === owner) continue;
    if (writes + drizzleWrites > 0) problems.push(`${file} writes ${t.name}, owned by ${owner}`);
    else problems.push(`${file} reads ${t.name}, owned by ${owner}: use ${owner}'s index instead`);
  }
}
if (check) {
  for (const p of [...new Set(problems)]) console.error(p);
  if (problems.length) process.exit(1);
  console.log("table ownership: every table is named only by its owner");
} else {
  console.log("| table | owner | areas naming it | places |");
  console.log("|---|---|---|---|");
  for (const [name, m] of counts) {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    const areas = [...m.entries()].sort((a, b) => b[1] - a[1]).map(([a, n]) => `${a} ${n}`).join(", ");
    console.log(`| ${name} | ${OWNERS[name]} | ${areas || "-"} | ${total} |`);
  }
}
