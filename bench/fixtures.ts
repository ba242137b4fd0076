import type { BenchContext, LoadSpec } from "./types.js";

/** Data the rows create through the staff API before they measure, once per server (ctx.fixture). */

/** Throws naming the request unless it answered `status`. */
export function expectStatus(what: string, res: { status: number; body: unknown }, status: number) {
  if (res.status !== status) {
    const body = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
    throw new Error(`${what} answered ${res.status}, expected ${status}: ${body.slice(0, 300)}`);
  }
}

/** A virtual event created and published through the staff API, failing loudly; its slug. */
async function createPublished(
  ctx: BenchContext,
  fields: Record<string, unknown>,
): Promise<{ slug: string }> {
  const created = await ctx.api("POST", "/api/v1/events", {
    auth: true,
    body: { format: "virtual", timeZone: "America/New_York", durationMinutes: 60, ...fields },
  });
  expectStatus("POST /api/v1/events", created, 201);
  const slug = created.body?.slug;
  if (typeof slug !== "string" || !slug) {
    throw new Error(`POST /api/v1/events returned no slug: ${JSON.stringify(created.body).slice(0, 300)}`);
  }
  const published = await ctx.api("POST", `/api/v1/events/${encodeURIComponent(slug)}/publish`, {
    auth: true,
  });
  expectStatus(`POST /api/v1/events/${slug}/publish`, published, 200);
  return { slug };
}

/** One published virtual event. */
export const publishedEvent = (ctx: BenchContext): Promise<{ slug: string }> =>
  ctx.fixture("published-event", () =>
    createPublished(ctx, { title: "Bench event", startsAt: "2030-04-16T12:00" }),
  );

/** A published event with a capacity and a waitlist: the path that decides seats. */
export const eventForRegistrations = (ctx: BenchContext): Promise<{ slug: string }> =>
  ctx.fixture("registration-event", () =>
    createPublished(ctx, {
      title: "Bench registrations",
      startsAt: "2030-05-16T12:00",
      capacity: 100,
      waitlist: true,
    }),
  );

/** A new registration per request (a fresh email each time). */
export const registrationLoad = (slug: string): LoadSpec => ({
  path: `/api/v1/events/${encodeURIComponent(slug)}/registrations`,
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ name: "Bench Attendee", email: "bench-[<id>]@example.org", consent: true }),
  idReplacement: true,
});
