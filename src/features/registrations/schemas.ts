import { z } from "zod";

/** A registration as the public API and the event page's form take it. */
export const RegistrationBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z
    .string()
    .trim()
    .max(320)
    .pipe(z.email({ error: "must be an email address" })),
  answers: z.record(z.string(), z.union([z.string().max(5000), z.boolean()])).default({}),
  consent: z.boolean(),
  newsletter: z
    .boolean()
    .optional()
    .describe(
      "Ask for the newsletter (default false). Only a request: the emailed manage page confirms it, and a known address changes nothing",
    ),
});
