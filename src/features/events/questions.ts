import { z } from "zod";
import { QUESTION_TYPES, type Question } from "../../db/schema.js";
import type { FieldError } from "../../lib/problem.js";
import { slugify } from "../../lib/slug.js";

/** A staff-defined registration question as staff send it. */
export const QuestionInput = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be lower-case letters, digits and dashes")
      .optional()
      .describe("Stable key of the answer; defaults to one made from the label"),
    label: z.string().trim().min(1).max(300),
    type: z.enum(QUESTION_TYPES),
    required: z.boolean().default(false),
    options: z.array(z.string().trim().min(1).max(200)).min(2).max(50).optional(),
  })
  .refine((q) => (q.type === "single_choice") === Boolean(q.options), {
    message: "single_choice questions need options; other types take none",
    path: ["options"],
  });

export const QuestionsInput = z.array(QuestionInput).max(20);

/** Gives each question its id and refuses two questions with the same one. */
export function normaliseQuestions(input: z.infer<typeof QuestionsInput>): {
  questions: Question[];
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const questions = input.map((q, i) => {
    const id = q.id ?? slugify(q.label, 40);
    if (seen.has(id))
      errors.push({ field: `questions.${i}.id`, message: `another question already uses the id "${id}"` });
    seen.add(id);
    return {
      id,
      label: q.label,
      type: q.type,
      required: q.required,
      ...(q.options ? { options: q.options } : {}),
    };
  });
  return { questions, errors };
}

const MAX_TEXT = { short_text: 300, long_text: 5000 } as const;

/**
 * Checks answers against the event's questions. Returns clean answers (trimmed text, booleans
 * for checkboxes) and one error per bad field, named `answers.<question id>`.
 */
export function checkAnswers(
  questions: Question[],
  raw: Record<string, unknown>,
): { answers: Record<string, string | boolean>; errors: FieldError[] } {
  const answers: Record<string, string | boolean> = {};
  const errors: FieldError[] = [];
  const known = new Set(questions.map((q) => q.id));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) errors.push({ field: `answers.${key}`, message: "is not a question of this event" });
  }
  for (const q of questions) {
    const field = `answers.${q.id}`;
    const v = raw[q.id];
    if (q.type === "checkbox") {
      const checked = v === true || v === "true" || v === "on" || v === "1";
      if (v !== undefined && typeof v !== "boolean" && typeof v !== "string")
        errors.push({ field, message: "must be true or false" });
      else if (q.required && !checked) errors.push({ field, message: "must be ticked" });
      else answers[q.id] = checked;
      continue;
    }
    const text = typeof v === "string" ? v.trim() : v === undefined || v === null ? "" : null;
    if (text === null) {
      errors.push({ field, message: "must be text" });
    } else if (!text) {
      if (q.required) errors.push({ field, message: "is required" });
    } else if (q.type === "single_choice") {
      if (!q.options?.includes(text))
        errors.push({ field, message: `must be one of: ${q.options?.join(", ")}` });
      else answers[q.id] = text;
    } else if (text.length > MAX_TEXT[q.type]) {
      errors.push({ field, message: `must be at most ${MAX_TEXT[q.type]} characters` });
    } else {
      answers[q.id] = text;
    }
  }
  return { answers, errors };
}
