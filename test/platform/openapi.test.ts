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

  it("renders /docs as a readable page listing every operation", async () => {
    const t = await createTestApp();
    const doc = (await t.request("GET", "/openapi.json")).body;
    const html = await t.request("GET", "/docs");
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toContain("text/html");
    for (const path of Object.keys(doc.paths)) expect(html.text).toContain(path);
  });
});
