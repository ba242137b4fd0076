import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withoutValues } from "../../src/lib/log.js";
import { createTestApp } from "../support/app.js";

describe("error logs", () => {
  it("logs a failed query's SQL without the values it was given", async () => {
    const t = await createTestApp();
    const error = await t.db
      .run(sql`INSERT INTO topics (id, slug, name) VALUES (${"top_x"}, ${"secret@example.org"}, NULL)`)
      .then(
        () => null,
        (err: Error) => err,
      );
    expect(error).not.toBeNull();
    expect(error!.message).toContain("secret@example.org"); // what drizzle puts in the message
    const logged = `${withoutValues(error!.message)} ${withoutValues(error!.stack)}`;
    expect(logged).not.toContain("secret@example.org");
  });
});
