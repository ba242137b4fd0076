import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { arbitraryFor, garbage, type Schema, violations } from "../support/json-schema.js";
import { manageLinkFor, registerFor } from "../support/registrations.js";

/**
 * The API keeps its own contract (issue 13): every operation /openapi.json lists is sent
 * generated requests, valid and not (path parameters from seeded ids and slugs or random text,
 * query parameters from their schemas or garbage, bodies from their schemas or garbage, with
 * and without a key), and every answer must be a status the document lists for that operation,
 * never a 5xx (but a documented 501), in the documented media type, and a JSON body must fit the documented schema.
 *
 * Each operation gets its own app and seed data, so a DELETE or a revoke in one property
 * cannot starve the others of something to find. Nothing is skipped: with this seed no
 * operation streams much (the CSV export needs Accept: text/csv, which is not generated).
 */

const SEED = 20261305;
const RUNS = Number(process.env.CONTRACT_RUNS ?? 100);

const base = await createTestApp();
const doc: Schema = (await base.request("GET", "/openapi.json")).body;

interface Operation {
  method: string;
  path: string;
  op: Schema;
}
const operations: Operation[] = Object.entries<Schema>(doc.paths).flatMap(([path, ops]) =>
  Object.entries<Schema>(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
);

/** An event with registrations, a manage token, a topic, a person, a brief, a recording, a spare key. */
async function seed(t: TestApp) {
  const key = await t.key();
  const spare = await t.key(["events:read"], "spare");
  const event = await makeEvent(t, key, { capacity: 1, waitlist: true });
  const email = "seeded@example.org";
  await registerFor(t, event.slug, { email });
  await registerFor(t, event.slug);
  const token = await manageLinkFor(t, event.slug, email);
  const regs = (await t.request("GET", `/api/v1/events/${event.slug}/registrations`, { key })).body.data;
  const topic = (await t.request("POST", "/api/v1/topics", { key, body: { name: "Energy" } })).body;
  const person = (await t.request("POST", "/api/v1/people", { key, body: { name: "Ada Lovelace" } })).body;
  const brief = (
    await t.request("POST", "/api/v1/briefs", { key, body: { title: "Armed Neutrality", kind: "op-ed" } })
  ).body;
  const recording = (
    await t.request("POST", `/api/v1/events/${event.id}/recordings`, {
      key,
      body: { kind: "video", provider: "youtube", url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ" },
    })
  ).body;
  const outbox = (await t.request("GET", "/api/v1/outbox", { key })).body.data;
  const keys = (await t.request("GET", "/api/v1/api-keys", { key })).body.data;
  const spareId = keys.find((k: { name: string }) => k.name === "spare")?.id;
  const ids = [...regs.map((r: { id: string }) => r.id), outbox[0]?.id, spareId, recording.id].filter(
    Boolean,
  );
  const pool: Record<string, string[]> = {
    idOrSlug: [event.id, event.slug],
    slug: [event.slug, topic.slug, person.slug, brief.slug].filter(Boolean),
    id: ids,
    token: [token],
    file: [`${event.slug}.ics`],
  };
  return { key, spare, pool };
}

/** A generated value as it travels in a URL (an object has no useful String()). */
const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** A path parameter: mostly a seeded value, else its schema's value or random (encoded) text. */
function pathValue(name: string, schema: Schema, pool: Record<string, string[]>) {
  const seeded: fc.Arbitrary<string>[] = pool[name]?.length ? [fc.constantFrom(...pool[name]!)] : [];
  // A route pattern ({file}: [^/]+\.ics) decides which route a path reaches at all: text
  // outside it is a request for another route (the event page), not for this operation.
  if (schema.pattern) return fc.oneof(...seeded, arbitraryFor(schema, doc).map(text)).map(encodeURIComponent);
  return fc
    .oneof(
      ...seeded.map((arbitrary) => ({ arbitrary, weight: 6 })),
      { arbitrary: fc.constant("nothing-here"), weight: 1 },
      { arbitrary: arbitraryFor(schema, doc).map(text), weight: 1 },
      { arbitrary: fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" }), weight: 1 },
    )
    .map((v) => encodeURIComponent(v || "x"));
}

type Auth = "key" | "none" | "read-only" | "bogus";

/** One generated request for `o`: path, query string, body and how it authenticates. */
function requestFor(o: Operation, pool: Record<string, string[]>) {
  const params = (o.op.parameters ?? []) as Schema[];
  const pathParams = params.filter((p) => p.in === "path");
  const queryParams = params.filter((p) => p.in === "query");
  const path = fc.record(
    Object.fromEntries(pathParams.map((p) => [p.name, pathValue(p.name, p.schema, pool)])),
  );
  const paramValue = (p: Schema) =>
    fc.oneof(
      { arbitrary: arbitraryFor(p.schema, doc).map(text), weight: 12 },
      { arbitrary: garbage.map(text), weight: 1 },
    );
  // An optional parameter is left out half the time: a random cursor alone refuses most pages.
  const query = fc
    .tuple(
      ...queryParams.map((p) =>
        (p.required ? paramValue(p) : fc.option(paramValue(p), { nil: undefined, freq: 2 })).map((v) => [
          p.name,
          v,
        ]),
      ),
    )
    .map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Record<string, string>);
  const unknown = fc.oneof(
    { arbitrary: fc.constant(null), weight: 8 },
    { arbitrary: fc.constantFrom("colour", "limit2", "_"), weight: 1 },
  );
  const bodySchema = o.op.requestBody?.content?.["application/json"]?.schema as Schema | undefined;
  const body = fc.oneof(
    { arbitrary: bodySchema ? arbitraryFor(bodySchema, doc) : fc.constant(undefined), weight: 8 },
    { arbitrary: garbage, weight: 1 },
    { arbitrary: fc.constant("{not json"), weight: 1 },
  );
  const type = fc.oneof(
    { arbitrary: fc.constant("application/json"), weight: 6 },
    { arbitrary: fc.constantFrom("text/csv", "text/plain"), weight: 1 },
  );
  const auth = fc.oneof(
    { arbitrary: fc.constant<Auth>("key"), weight: 7 },
    { arbitrary: fc.constantFrom<Auth>("none", "read-only", "bogus"), weight: 1 },
  );
  return fc.record({ path, query, unknown, body, type, auth });
}

function urlOf(
  o: Operation,
  r: { path: Record<string, string>; query: Record<string, string>; unknown: string | null },
) {
  const path = o.path.replace(/\{(\w+)\}/g, (_, name: string) => r.path[name] ?? "x");
  const query = new URLSearchParams(r.query);
  if (r.unknown) query.set(r.unknown, "1");
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

let checks = 0;
afterAll(() => {
  console.info(`openapi contract: ${operations.length} operations, ${checks} generated requests checked`);
});

describe("every operation in /openapi.json keeps its contract under generated requests", () => {
  it("lists operations to check, each with a summary and responses", () => {
    expect(operations.length).toBeGreaterThan(40);
    for (const o of operations)
      expect(Object.keys(o.op.responses).length, `${o.method} ${o.path}`).toBeGreaterThan(0);
  });

  it("has a schema check that refuses an extra property, a missing one and a wrong type", () => {
    const removal =
      doc.paths["/api/v1/registrations/{id}"].delete.responses["200"].content["application/json"].schema;
    const reg = {
      id: "reg_1",
      name: "A",
      email: "a@example.org",
      status: "cancelled",
      position: null,
      answers: {},
    };
    const instants = {
      createdAt: "2026-01-15T12:00:00Z",
      confirmedAt: null,
      cancelledAt: null,
      attendedAt: null,
    };
    const ok = { ...reg, ...instants, remindersOptOut: false, newsletter: null };
    expect(violations({ removed: ok, promoted: [] }, removal, doc)).toEqual([]);
    expect(violations({ removed: { ...ok, eventId: "evt_1" }, promoted: [] }, removal, doc)).toEqual([
      "$.removed.eventId: not a documented property",
    ]);
    expect(violations({ removed: { ...ok, id: 1 } }, removal, doc)).toEqual([
      "$.promoted: required, missing",
      "$.removed.id: is integer, documented string",
    ]);
  });

  for (const o of operations) {
    it(`${o.method} ${o.path} answers only documented statuses, media types and shapes`, async () => {
      const t = await createTestApp();
      const { key, spare, pool } = await seed(t);
      const keys: Record<Auth, string | undefined> = {
        key,
        none: undefined,
        "read-only": spare,
        bogus: "cvn_bogus",
      };
      await fc.assert(
        fc.asyncProperty(requestFor(o, pool), async (r) => {
          checks++;
          const url = urlOf(o, r);
          const hasBody = o.method !== "GET" && r.body !== undefined;
          const res = await t.request(o.method, url, {
            key: keys[r.auth],
            ...(hasBody ? { body: r.body, headers: { "content-type": r.type } } : {}),
          });
          const where = `${o.method} ${url} -> ${res.status} ${res.text.slice(0, 300)}`;
          // 501 is an answer, not a failure, where a protocol prescribes it (oEmbed's format=xml)
          // and the document lists it; every other 5xx is a failure.
          if (!(res.status === 501 && o.op.responses["501"])) expect(res.status, where).toBeLessThan(500);
          const documented = o.op.responses[String(res.status)] as Schema | undefined;
          expect(documented, `undocumented status: ${where}`).toBeDefined();
          const content = (documented!.content ?? {}) as Record<string, { schema?: Schema }>;
          const [mediaType, described] = Object.entries(content)[0] ?? [];
          const actualType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
          if (!mediaType) return;
          expect(actualType, `media type: ${where}`).toBe(mediaType);
          if (/json$/.test(mediaType) && described?.schema) {
            expect(violations(res.body, described.schema, doc), where).toEqual([]);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    });
  }
});
