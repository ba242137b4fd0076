import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";

describe(`the API document (${engine})`, () => {
  it("is OpenAPI 3.1 generated from the validating schemas", async () => {
    const t = await createTestApp();
    const res = await t.request("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const create = res.body.paths["/api/v1/events"].post;
    expect(create["x-required-scope"]).toBe("events:write");
    const schema = create.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["title", "startsAt", "timeZone"]));
    expect(schema.properties.format.enum).toEqual(["virtual", "in_person", "hybrid"]);
    expect(schema.additionalProperties).toBe(false);
    const list = res.body.paths["/api/v1/events"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["when", "topic", "limit", "cursor"]),
    );
    expect(res.body.paths["/api/v1/events/{idOrSlug}/reschedule"].post.parameters[0]).toMatchObject({
      name: "idOrSlug",
      in: "path",
    });
  });

  it("documents the embeddable blocks, oEmbed and an event's embedHtml", async () => {
    const t = await createTestApp();
    const { paths } = (await t.request("GET", "/openapi.json")).body;
    for (const path of ["/embed/events", "/embed/topics/{slug}", "/embed/events/{slug}"]) {
      const op = paths[path]?.get;
      expect(op?.responses["200"].content, path).toHaveProperty("text/html");
      expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(["304", "404", "422"]));
      expect(
        op.parameters.map((p: { name: string }) => p.name),
        path,
      ).toContain("theme");
    }
    const oembed = paths["/oembed"].get;
    expect(Object.keys(oembed.responses)).toEqual(expect.arrayContaining(["200", "404", "422", "501"]));
    expect(oembed.parameters.find((p: { name: string }) => p.name === "url").required).toBe(true);
    const event = paths["/api/v1/events/{idOrSlug}"].get.responses["200"].content["application/json"].schema;
    expect(event.required).toContain("embedHtml");
  });

  it("is valid 3.1: no two templated paths differ only in their parameter names", async () => {
    const t = await createTestApp();
    const paths = Object.keys((await t.request("GET", "/openapi.json")).body.paths);
    const shapes = paths.map((p) => p.replace(/\{[^}]+\}/g, "{}"));
    expect(new Set(shapes).size).toBe(shapes.length);
    expect(paths).toContain("/api/v1/events/{idOrSlug}/registrations");
  });

  it("derives 422 from every validator, 415 from every JSON body and 401 from an optional key", async () => {
    const t = await createTestApp();
    const { paths } = (await t.request("GET", "/openapi.json")).body;
    for (const [path, ops] of Object.entries<Record<string, any>>(paths)) {
      if (!path.startsWith("/api/v1")) continue; // the calendar feeds validate nothing
      for (const [method, op] of Object.entries<any>(ops)) {
        if (op.parameters?.length || op.requestBody)
          expect(op.responses, `${method} ${path}`).toHaveProperty("422");
        if (op.requestBody) expect(op.responses, `${method} ${path}`).toHaveProperty("415");
      }
    }
    expect(paths["/api/v1/events"].get.responses).toHaveProperty("401");
    expect(paths["/api/v1/events"].get.security).toEqual([{}, { apiKey: ["events:read"] }]);
  });

  it("documents a blank archive year as accepted and refuses anything else outside the pattern", async () => {
    const t = await createTestApp();
    const { paths } = (await t.request("GET", "/openapi.json")).body;
    const year = paths["/api/v1/archive"].get.parameters.find((p: { name: string }) => p.name === "year");
    expect(year.schema.anyOf).toEqual([
      { type: "string", pattern: "^\\d{4}$" },
      expect.objectContaining({ pattern: "^\\s*$" }),
    ]);
    expect((await t.request("GET", "/api/v1/archive?year=")).status).toBe(200);
    expect((await t.request("GET", "/api/v1/archive?year=26")).status).toBe(422);
    expect((await t.request("GET", "/api/v1/archive?year=%202026")).status).toBe(422);
  });

  it("refuses an unknown query parameter on every list, naming it", async () => {
    const t = await createTestApp();
    const key = await t.key();
    for (const list of [
      "/api/v1/events",
      "/api/v1/archive",
      "/api/v1/topics",
      "/api/v1/people",
      "/api/v1/briefs",
    ]) {
      const res = await t.request("GET", `${list}?colour=red`, { key });
      expect(res.status, list).toBe(422);
      expect(res.body.errors).toEqual([{ field: "colour", message: "is not a known field" }]);
    }
  });

  it("answers a known path asked with another method 405 with Allow, and an unknown one 404, as problem+json", async () => {
    const t = await createTestApp();
    const wrong = await t.request("PUT", "/api/v1/events");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(wrong.headers.get("content-type")).toBe("application/problem+json");
    const unknown = await t.request("GET", "/api/v1/nothing/here");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
  });

  it("renders /docs as a readable page listing every operation", async () => {
    const t = await createTestApp();
    const doc = (await t.request("GET", "/openapi.json")).body;
    const html = await t.request("GET", "/docs");
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toContain("text/html");
    for (const path of Object.keys(doc.paths)) expect(html.text).toContain(path);
  });

  it("tells parameters and bodies as tables of property, type, required and description, raw schema one click away", async () => {
    const t = await createTestApp();
    const html = (await t.request("GET", "/docs")).text;
    const section = (id: string) => html.split(`<section id="${id}">`)[1]!.split("</section>")[0]!;
    const create = section("post--api-v1-events");

    // A request body property reads as a row: its name, its type, whether it is required, what it means.
    expect(create).toContain(
      "<tr><td><code>durationMinutes</code></td><td>integer</td><td></td><td>Used when endsAt is absent; default 60; 1–20160</td></tr>",
    );
    expect(create).toMatch(/<td><code>title<\/code><\/td><td>string<\/td><td>yes<\/td>/);
    expect(create).toContain(
      "<td>one of <code>&quot;virtual&quot;</code>, <code>&quot;in_person&quot;</code>, <code>&quot;hybrid&quot;</code></td>",
    );
    // Nested objects are listed under dotted names, arrays of them with [].
    expect(create).toMatch(/<td><code>speakers\[\]\.person<\/code><\/td><td>string<\/td><td>yes<\/td>/);
    expect(create).toContain("<td><code>local.utcOffset</code></td>");

    // Parameters are a table too; a list response's items are listed as data[].x.
    const list = section("get--api-v1-events");
    expect(list).toMatch(/<th scope="col">Name<\/th><th scope="col">In<\/th>/);
    expect(list).toMatch(/<td><code>limit<\/code><\/td><td>query<\/td>/);
    expect(list).toContain("<td><code>data[].title</code></td>");

    // Errors point at the one Problem table instead of repeating it.
    expect(create).toContain('<a href="#schema-Problem">Problem</a>');
    expect(html).toContain('<section id="schema-Problem">');
    expect(html).toContain('<a href="#schemas">Shared schemas</a>');

    // Every raw schema is still there, folded: no <pre> outside a "Raw schema" <details>.
    const pres = html.match(/<pre>/g) ?? [];
    const folded = html.match(/<details><summary>Raw schema<\/summary><pre>/g) ?? [];
    expect(pres.length).toBeGreaterThan(30);
    expect(folded.length).toBe(pres.length);
  });
});
