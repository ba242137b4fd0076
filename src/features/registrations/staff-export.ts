import type { Db } from "../../db/client.js";
import type { Question } from "../../db/schema.js";
import type { Logger } from "../../lib/log.js";
import { csvLine } from "./csv.js";
import {
  type RegistrationCursor,
  type RegistrationFilter,
  registrationPage,
  type StaffRegistration,
} from "./staff-queries.js";

export const EXPORT_CHUNK = 500;

const FIXED = [
  "Registration ID",
  "Name",
  "Email",
  "Status",
  "Waitlist position",
  "Registered at",
  "Confirmed at",
  "Cancelled at",
  "Attended at",
  "Reminders opt-out",
  "Newsletter",
  "Newsletter changed at",
  "Newsletter source",
];

function line(r: StaffRegistration, questions: Question[]): string {
  const answer = (q: Question) => {
    const v = r.answers[q.id];
    if (typeof v === "boolean") return v ? "yes" : "no";
    return v ?? "";
  };
  return csvLine([
    r.id,
    r.name,
    r.email,
    r.status,
    r.position,
    r.createdAt,
    r.confirmedAt,
    r.cancelledAt,
    r.attendedAt,
    r.remindersOptOut ? "yes" : "no",
    r.newsletter?.state,
    r.newsletter?.at,
    r.newsletter?.source,
    ...questions.map(answer),
  ]);
}

/**
 * The registrations of an event as a CSV stream: a header (one column per question, titled
 * with its label), then the rows in registration order, read from the database one keyset page
 * of `chunk` rows at a time as the client reads, so an export never holds every row in memory.
 * It starts with a UTF-8 byte order mark, without which Excel reads "Київ" as mojibake.
 */
export function registrationsCsv(
  db: Db,
  event: { id: string; questions: Question[] },
  filter: RegistrationFilter,
  options: { chunk?: number; log?: Logger } = {},
): ReadableStream<Uint8Array> {
  const chunk = options.chunk ?? EXPORT_CHUNK;
  const encoder = new TextEncoder();
  let after: RegistrationCursor | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(
            encoder.encode(`\uFEFF${csvLine([...FIXED, ...event.questions.map((q) => q.label)])}`),
          );
          return;
        }
        try {
          const page = await registrationPage(db, event.id, filter, chunk, after);
          if (page.items.length > 0)
            controller.enqueue(encoder.encode(page.items.map((r) => line(r, event.questions)).join("")));
          if (page.next) after = page.next;
          else controller.close();
        } catch (err) {
          // The 200 and the header are already sent: all we can do is break the download.
          options.log?.("error", "registration export failed", { eventId: event.id, error: String(err) });
          controller.error(err);
        }
      },
    },
    { highWaterMark: 0 },
  );
}
