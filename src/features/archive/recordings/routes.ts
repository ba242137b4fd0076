import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import type { Scope } from "../../../db/schema.js";
import { actorOf, hasScope, optionalScope, requireScope } from "../../../lib/access.js";
import type { AppEnv } from "../../../lib/http.js";
import { IdOrSlugParam, NoQuery } from "../../../lib/schemas.js";
import { describe, validate, withDoc } from "../../../lib/validate.js";
import { authenticate } from "../../auth/index.js";
import { ChaptersPut, RecordingCreate, RecordingOut, RecordingParam, RecordingUpdate } from "./schemas.js";
import {
  createRecording,
  deleteRecording,
  getRecording,
  listRecordings,
  replaceChapters,
  updateRecording,
} from "./service.js";

const tags = ["Recordings"];
const invalid = {
  422: { description: "Invalid input; errors[] names each field (url, chapters.2.startSeconds)" },
};
const missing = { 404: { description: "No such event or recording" } };
const raced = { 409: { description: "Edited concurrently, or something referred to was deleted" } };
const readNote =
  "Without a key: published recordings of published or cancelled events (drafts are 404). With a key holding events:read or archive:write: unpublished recordings too. The archive pages show published recordings of past events only";

/**
 * Reads that show more to staff: no Authorization header is the public view; a header that is
 * present must be a valid key holding one of `scopes` (never a silent downgrade). Keys with
 * events:read and keys with archive:write (which attach recordings) both see unpublished ones.
 */
function optionalStaff(scopes: Scope[]): MiddlewareHandler<AppEnv> {
  const checks = scopes.map((s) => optionalScope(s));
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header("authorization");
    if (header === undefined) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? await authenticate(c.var.deps, match[1]!) : undefined;
    if (principal && scopes.some((s) => hasScope(principal.scopes, s))) {
      c.set("principal", principal);
      return next();
    }
    // The standard 401/403 answer for the first scope.
    return checks[0]!(c, next);
  };
  return withDoc(mw, { kind: "security", scope: scopes[0]!, optional: true, orScopes: scopes.slice(1) });
}

const staffRead = optionalStaff(["events:read", "archive:write"]);

export const recordingRoutes = new Hono<AppEnv>()
  .get(
    "/events/:idOrSlug/recordings",
    describe({
      summary: "List an event's recordings in display order",
      description: readNote,
      tags,
      responses: {
        200: { description: "The recordings", schema: z.object({ data: z.array(RecordingOut) }) },
        ...missing,
      },
    }),
    staffRead,
    validate("param", IdOrSlugParam),
    validate("query", NoQuery),
    async (c) => {
      const staff = Boolean(c.get("principal"));
      return c.json({ data: await listRecordings(c.var.deps.db, c.req.valid("param").idOrSlug, staff) });
    },
  )
  .post(
    "/events/:idOrSlug/recordings",
    describe({
      summary: "Attach a recording (with chapters) to an event",
      description:
        "Any event that is not cancelled, drafts and future events included (prepared ahead). published: true sets publishedAt to now unless an instant is given. Moves the event's revision (ETag) and updated time",
      tags,
      responses: {
        201: { description: "Created", schema: RecordingOut },
        ...invalid,
        ...missing,
        409: { description: "The event is cancelled, or was deleted meanwhile" },
      },
    }),
    requireScope("archive:write"),
    validate("param", IdOrSlugParam),
    validate("json", RecordingCreate),
    async (c) =>
      c.json(
        await createRecording(c.var.deps, actorOf(c), c.req.valid("param").idOrSlug, c.req.valid("json")),
        201,
      ),
  )
  .get(
    "/recordings/:id",
    describe({
      summary: "Read a recording",
      description: readNote,
      tags,
      responses: { 200: { description: "The recording", schema: RecordingOut }, ...missing },
    }),
    staffRead,
    validate("param", RecordingParam),
    async (c) =>
      c.json(await getRecording(c.var.deps.db, c.req.valid("param").id, Boolean(c.get("principal")))),
  )
  .patch(
    "/recordings/:id",
    describe({
      summary: "Edit a recording (absent fields stay)",
      description:
        "The URL is checked against the provider it will have. published: false clears publishedAt. Chapters change with PUT .../chapters",
      tags,
      responses: { 200: { description: "Updated", schema: RecordingOut }, ...invalid, ...missing, ...raced },
    }),
    requireScope("archive:write"),
    validate("param", RecordingParam),
    validate("json", RecordingUpdate),
    async (c) =>
      c.json(await updateRecording(c.var.deps, actorOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .put(
    "/recordings/:id/chapters",
    describe({
      summary: "Replace a recording's chapters",
      tags,
      responses: { 200: { description: "Updated", schema: RecordingOut }, ...invalid, ...missing, ...raced },
    }),
    requireScope("archive:write"),
    validate("param", RecordingParam),
    validate("json", ChaptersPut),
    async (c) =>
      c.json(
        await replaceChapters(c.var.deps, actorOf(c), c.req.valid("param").id, c.req.valid("json").chapters),
      ),
  )
  .delete(
    "/recordings/:id",
    describe({
      summary: "Delete a recording and its chapters",
      tags,
      responses: { 204: { description: "Deleted" }, ...missing, ...raced },
    }),
    requireScope("archive:write"),
    validate("param", RecordingParam),
    async (c) => {
      await deleteRecording(c.var.deps, actorOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
