/**
 * Turns what a reader typed into an FTS5 MATCH expression that can never be FTS5 syntax.
 *
 * The text is split into terms on anything that is not a letter, digit or combining mark
 * (so every dash, U+2011 included, quotes, `*`, `^`, `(`, `:` are separators, as they are for
 * the unicode61 tokenizer), each term becomes an FTS5 string ("term", a `"` doubled), and the
 * terms are ANDed by juxtaposition. Inside a string, AND / OR / NOT / NEAR are plain words.
 * The last term is a prefix ("term"*) so search-as-you-type finds "Ukraine" from "ukr"; a
 * one-character last term stays exact, because the index keeps prefixes of 2 and 3 characters
 * only and "u*" would match nearly every event.
 */
const TERM = /[\p{L}\p{N}\p{M}]+/gu;

/** More terms than this add nothing to a search but cost; the rest is ignored. */
export const MAX_TERMS = 12;
/** A single term longer than any real word is cut (FTS5 would only fail to match it anyway). */
const MAX_TERM_LENGTH = 64;

export function searchTerms(q: string | undefined | null): string[] {
  if (!q) return [];
  const terms = q.normalize("NFC").match(TERM) ?? [];
  return terms.slice(0, MAX_TERMS).map((t) => t.slice(0, MAX_TERM_LENGTH));
}

const quote = (term: string) => `"${term.replace(/"/g, '""')}"`;

/** The MATCH string for `q`, or null when it holds no searchable term (then: no text filter). */
export function toMatchQuery(q: string | undefined | null): string | null {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  return terms
    .map((t, i) => (i === terms.length - 1 && [...t].length >= 2 ? `${quote(t)}*` : quote(t)))
    .join(" ");
}
