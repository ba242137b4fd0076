/**
 * Experts' photos (people.photoUrl). Only https photos are shown: our public pages are served
 * over https, where an http image is mixed content, and the pages' CSP allows `img-src 'self'
 * https:` (guards.tsx). The institute's photos are on its CDN, so any https origin is allowed
 * rather than a list of hosts to keep in step with it.
 */
export function showablePhoto(url: string | null | undefined): string | null {
  return url?.startsWith("https://") ? url : null;
}

/** The photo sizes, in CSS pixels: beside a name in a list, and at the top of a person's page. */
export const PHOTO_SIZE = { list: 48, portrait: 96, embed: 40 } as const;

/** A square photo of an expert, or nothing when there is none to show. */
export function Photo(p: { url: string | null | undefined; name: string; size: number; class?: string }) {
  const src = showablePhoto(p.url);
  if (!src) return null;
  return (
    <img
      class={p.class ?? "photo"}
      src={src}
      // biome-ignore lint/a11y/noRedundantAlt: the institute's own wording beside each expert (issue 15)
      alt={`Photo of ${p.name}`}
      width={p.size}
      height={p.size}
      loading="lazy"
      decoding="async"
    />
  );
}
