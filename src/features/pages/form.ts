import type { z } from "zod";
import type { Question } from "../../db/schema.js";
import type { FieldError } from "../../lib/problem.js";
import { checkAnswers } from "../events/index.js";
import { RegistrationBody } from "../registrations/index.js";

/** What the visitor typed, kept as typed so a failed submit shows it again. */
export interface FormValues {
  name: string;
  email: string;
  consent: boolean;
  newsletter: boolean;
  answers: Record<string, string>;
  /** The honeypot: people never see it, naive bots fill it. */
  website: string;
}

export const EMPTY_FORM: FormValues = {
  name: "",
  email: "",
  consent: false,
  newsletter: false,
  answers: {},
  website: "",
};

const HONEYPOT = "website";
const ANSWER = "answers.";

type Body = Record<string, string | File | (string | File)[]>;

/** Reads the urlencoded (or multipart) body; a file or a repeated field counts as its first text. */
export function readForm(body: Body): FormValues {
  const text = (key: string): string => {
    const v = body[key];
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === "string" ? first : "";
  };
  const answers: Record<string, string> = {};
  for (const key of Object.keys(body)) {
    if (key.startsWith(ANSWER)) answers[key.slice(ANSWER.length)] = text(key);
  }
  return {
    name: text("name"),
    email: text("email"),
    consent: text("consent") !== "",
    newsletter: text("newsletter") !== "",
    answers,
    website: text(HONEYPOT),
  };
}

const LABELS: Record<string, string> = { name: "Name", email: "Email address", consent: "Consent" };

function zodMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_small") return "is required";
  if (issue.code === "too_big") return `must be at most ${issue.maximum} characters`;
  return issue.message;
}

/**
 * Every problem with the form at once: name and email by the JSON API's own schema, answers
 * and consent by the same checks the service runs. The service checks again when it registers.
 */
export function checkForm(questions: Question[], v: FormValues): FieldError[] {
  const errors: FieldError[] = [];
  const parsed = RegistrationBody.pick({ name: true, email: true }).safeParse({
    name: v.name,
    email: v.email,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      if (!errors.some((e) => e.field === field)) errors.push({ field, message: zodMessage(issue) });
    }
  }
  // A checkbox that is not ticked is simply absent from the body.
  const raw: Record<string, unknown> = { ...v.answers };
  errors.push(...checkAnswers(questions, raw).errors);
  if (!v.consent) errors.push({ field: "consent", message: "must be given to register" });
  return errors;
}

/** "Email address must be an email address" reads badly; these read like sentences. */
export function sentence(field: string, message: string, questions: Question[]): string {
  const q = field.startsWith(ANSWER) ? questions.find((x) => `${ANSWER}${x.id}` === field) : undefined;
  const label = q?.label ?? LABELS[field];
  if (field === "email" && message === "must be an email address")
    return "Enter an email address like name@example.org";
  if (field === "consent") return "Tick the box to agree to how we use your details";
  if (!label) return `${field} ${message}`;
  return `${label} ${message}`;
}

/** Element ids: the input (or the first radio of a group) an error links to, and the message. */
export const inputId = (field: string) => `f-${field.replace(/[^\w-]/g, "-")}`;
export const errorId = (field: string) => `e-${field.replace(/[^\w-]/g, "-")}`;
export const firstInputId = (field: string, q?: Question) =>
  q?.type === "single_choice" ? `${inputId(field)}-0` : inputId(field);

export const answerField = (q: Question) => `${ANSWER}${q.id}`;
