/**
 * URL slugs from titles and names. Any dash-like or punctuation character (including the
 * non-breaking hyphen U+2011 in "Ukraine‑Russia") becomes "-"; letters of any script stay.
 */
export function slugify(text: string, maxLength = 80): string {
  const base = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // strip accents left by NFKD
    .toLowerCase()
    .replace(/['’‘`]/g, "") // "Ukraine's" -> "ukraines"
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  const cut = base.slice(0, maxLength).replace(/-+$/g, "");
  return cut || "item";
}

/** The n-th candidate slug: "title", "title-2", "title-3", ... */
export function slugCandidate(base: string, n: number): string {
  return n <= 1 ? base : `${base}-${n}`;
}
