import type { Question } from "../../db/schema.js";
import type { FieldError } from "../../lib/problem.js";
import { answerField, errorId, type FormValues, firstInputId, inputId, sentence } from "./form.js";

interface FormProps {
  slug: string;
  org: string;
  newsletterLabel: string;
  questions: Question[];
  values: FormValues;
  errors: FieldError[];
}

interface FieldProps {
  field: string;
  label: string;
  required: boolean;
  message?: string;
}

/** Label, then the message (read before the input by screen readers through aria-describedby). */
function ErrorText(p: { field: string; message?: string }) {
  return p.message ? (
    <span class="error" id={errorId(p.field)}>
      <span class="hp">Error: </span>
      {p.message}
    </span>
  ) : null;
}

const invalid = (p: FieldProps) =>
  p.message ? { "aria-invalid": "true", "aria-describedby": errorId(p.field) } : {};

function TextField(
  p: FieldProps & { value: string; type?: "text" | "email"; autocomplete?: string; multiline?: boolean },
) {
  const id = inputId(p.field);
  return (
    <div class="field">
      <label for={id}>
        {p.label}
        {p.required ? null : <span class="hint">Optional</span>}
      </label>
      <ErrorText field={p.field} message={p.message} />
      {p.multiline ? (
        <textarea id={id} name={p.field} required={p.required} rows={5} {...invalid(p)}>
          {p.value}
        </textarea>
      ) : (
        <input
          type={p.type ?? "text"}
          id={id}
          name={p.field}
          value={p.value}
          required={p.required}
          autocomplete={p.autocomplete}
          spellcheck={p.type === "email" ? false : undefined}
          {...invalid(p)}
        />
      )}
    </div>
  );
}

function ChoiceField(p: FieldProps & { options: string[]; value: string }) {
  const id = inputId(p.field);
  return (
    <fieldset class="field" id={id} {...(p.message ? { "aria-describedby": errorId(p.field) } : {})}>
      <legend>
        {p.label}
        {p.required ? null : <span class="hint">Optional</span>}
      </legend>
      <ErrorText field={p.field} message={p.message} />
      {p.options.map((option, i) => (
        <div class="choice">
          <input
            type="radio"
            id={`${id}-${i}`}
            name={p.field}
            value={option}
            checked={p.value === option}
            required={p.required}
            {...(p.message ? { "aria-invalid": "true" } : {})}
          />
          <label for={`${id}-${i}`}>{option}</label>
        </div>
      ))}
    </fieldset>
  );
}

function CheckField(p: FieldProps & { checked: boolean; value: string }) {
  const id = inputId(p.field);
  return (
    <div class="field">
      <ErrorText field={p.field} message={p.message} />
      <div class="choice">
        <input
          type="checkbox"
          id={id}
          name={p.field}
          value={p.value}
          checked={p.checked}
          required={p.required}
          {...invalid(p)}
        />
        <label for={id}>{p.label}</label>
      </div>
    </div>
  );
}

function ErrorSummary(p: { errors: FieldError[]; questions: Question[] }) {
  if (p.errors.length === 0) return null;
  const targets = new Set(["name", "email", "consent", ...p.questions.map(answerField)]);
  return (
    <div class="summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {p.errors.map((e) => {
          const text = sentence(e.field, e.message, p.questions);
          const q = p.questions.find((x) => answerField(x) === e.field);
          return <li>{targets.has(e.field) ? <a href={`#${firstInputId(e.field, q)}`}>{text}</a> : text}</li>;
        })}
      </ul>
    </div>
  );
}

/**
 * The registration form. `novalidate` keeps the browser's own bubbles out of the way so every
 * visitor gets the same server messages, tied to their fields.
 */
export function RegistrationForm(p: FormProps) {
  const message = (field: string) => {
    const e = p.errors.find((x) => x.field === field);
    return e ? sentence(e.field, e.message, p.questions) : undefined;
  };
  return (
    <form method="post" action={`/events/${encodeURIComponent(p.slug)}/register`} novalidate>
      <ErrorSummary errors={p.errors} questions={p.questions} />
      <TextField
        field="name"
        label="Name"
        required
        autocomplete="name"
        value={p.values.name}
        message={message("name")}
      />
      <TextField
        field="email"
        label="Email address"
        type="email"
        required
        autocomplete="email"
        value={p.values.email}
        message={message("email")}
      />
      {p.questions.map((q) => {
        const field = answerField(q);
        const value = p.values.answers[q.id] ?? "";
        const common = { field, label: q.label, required: q.required, message: message(field) };
        if (q.type === "single_choice")
          return <ChoiceField {...common} options={q.options ?? []} value={value} />;
        if (q.type === "checkbox") return <CheckField {...common} checked={value !== ""} value="true" />;
        return <TextField {...common} value={value} multiline={q.type === "long_text"} />;
      })}
      <div class="hp" aria-hidden="true">
        <label for="f-website">Leave this field empty</label>
        <input type="text" id="f-website" name="website" tabindex={-1} autocomplete="off" value="" />
      </div>
      <CheckField
        field="consent"
        label={`I agree that ${p.org} keeps my name, email address and answers to run this event and to email me about it. I can delete them at any time from my registration page.`}
        required
        checked={p.values.consent}
        value="yes"
        message={message("consent")}
      />
      {/* Unticked unless the visitor ticked it: a request only, confirmed from their email. */}
      <CheckField
        field="newsletter"
        label={p.newsletterLabel}
        required={false}
        checked={p.values.newsletter}
        value="yes"
      />
      <button type="submit">Register</button>
    </form>
  );
}
