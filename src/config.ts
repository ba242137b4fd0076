import { z } from "zod";
import { isValidTimeZone } from "./lib/time.js";

/** "https://example.org" or "http://127.0.0.1:8080": a scheme, host and port, nothing more. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}

/**
 * All configuration, parsed once at start-up from process.env (Node) or the Worker's
 * bindings. Nothing else reads the environment.
 */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:|https?:|wss?:|:memory:)/, "must start with file:, libsql:, http(s): or ws(s):")
    .default("file:./data/convene.db"),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  // Unset: derived from the address actually served (publicUrlGiven below).
  PUBLIC_URL: z
    .url()
    .optional()
    .transform((u) => u?.replace(/\/+$/, "")),
  DEFAULT_TIME_ZONE: z
    .string()
    .refine(isValidTimeZone, "must be an IANA time zone such as America/New_York")
    .default("America/New_York"),
  ORG_NAME: z.string().min(1).default("Defense Priorities"),
  REGISTRATION_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(0)
    .default(20)
    .describe("Registrations a minute from one client address; 0 turns the limit off"),
  SEARCH_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(0)
    .default(60)
    .describe(
      "Archive searches a minute from one client address that miss the cache, per process; 0 turns the limit off",
    ),
  MANAGE_LINK_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(30)
    .describe("Days after an event ends that its manage links still show and change anything"),
  EMBED_ORIGINS: z
    .string()
    .default("")
    .transform((list, ctx) => {
      const origins = list
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean);
      for (const o of origins) {
        if (!isOrigin(o))
          ctx.addIssue({ code: "custom", message: `${o} is not an origin such as https://example.org` });
      }
      return origins;
    })
    .describe(
      "Comma-separated origins whose pages may frame the /embed/ blocks; empty: no site may frame them",
    ),
  NEWSLETTER_LABEL: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .default("Send me the institute's foreign policy analysis by email")
    .describe("Label of the registration form's newsletter box (unticked by default)"),
  TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_DIR: z.string().min(1).default("./data/mail"),
  MAIL_FROM: z.string().min(3).default("Convene <events@localhost>"),
  EMAIL_API_URL: z
    .url({ protocol: /^https?$/ })
    .default("https://api.resend.com/emails")
    .describe("HTTP email provider endpoint (Resend's POST /emails request format)"),
  EMAIL_API_KEY: z.string().min(1).optional().describe("Bearer key of the HTTP email provider"),
  OUTBOX_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(8)
    .describe("Send attempts before an outbox message is marked dead"),
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1")
    .describe(
      "Webhook endpoints may be http:// URLs on private, loopback or link-local addresses (development only)",
    ),
  WEBHOOK_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(30)
    .describe(
      "Days a closed webhook delivery (sent or dead) stays in its endpoint's deliveries list and can be replayed; the due work deletes older ones",
    ),
  SCHEDULER_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(30)
    .describe("How often the Node process runs the due work; 0 turns the scheduler off"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, "PUBLIC_URL"> & {
  /** Where links point. Until the runtime knows the address it serves, http://localhost:PORT. */
  PUBLIC_URL: string;
  /**
   * False when PUBLIC_URL was not set: the runtime then sets it from the address it serves
   * (the port Node listens on; the Worker's request origin), so `PORT=8791 npm start` or
   * `wrangler dev --port 8788` gives links that work. Production sets PUBLIC_URL.
   */
  publicUrlGiven: boolean;
};

/** The base URL for a server listening on `host`:`port` (loopback and "any" read as localhost). */
export function servedUrl(host: string, port: number): string {
  const local = ["127.0.0.1", "::1", "0.0.0.0", "::", "localhost"].includes(host);
  const name = local ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export class ConfigError extends Error {}

export function parseConfig(source: Record<string, unknown>): Config {
  // Empty strings mean "unset" (a common shape of .env files and CI variables).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "" && v !== undefined));
  const result = ConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const { PUBLIC_URL, ...rest } = result.data;
  return {
    ...rest,
    PUBLIC_URL: PUBLIC_URL ?? servedUrl(rest.HOST, rest.PORT),
    publicUrlGiven: PUBLIC_URL !== undefined,
  };
}
