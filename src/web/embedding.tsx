import type { Config } from "../config.js";

/**
 * What other sites use to embed our events: the iframe snippet (shown to staff as an event's
 * `embedHtml`, and the `html` of an oEmbed answer) and the oEmbed discovery link of the event
 * and archive pages. The blocks themselves are the embeds feature's.
 */

/** The single event card's default frame; the card reads well from 280 px wide. */
export const EMBED_FRAME = { width: 480, height: 320, minWidth: 280 } as const;

export const embedEventPath = (slug: string) => `/embed/events/${encodeURIComponent(slug)}`;

const attr = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The iframe of one event's card. Sandboxed without scripts or same-origin (the card needs
 * neither); popups are allowed so that its links open the event page in a new tab.
 */
export function embedSnippet(
  config: Config,
  ev: { slug: string; title: string },
  size: { width: number; height: number } = EMBED_FRAME,
): string {
  const src = `${config.PUBLIC_URL}${embedEventPath(ev.slug)}`;
  return (
    `<iframe src="${attr(src)}" title="${attr(`Event: ${ev.title}`)}" width="${size.width}" height="${size.height}"` +
    ` style="border:0;max-width:100%" loading="lazy" sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>`
  );
}

/** The oEmbed endpoint's URL for one of our pages (oEmbed 1.0, section 4: discovery). */
export const oembedUrl = (config: Config, pageUrl: string) =>
  `${config.PUBLIC_URL}/oembed?url=${encodeURIComponent(pageUrl)}&format=json`;

/** <link rel="alternate" type="application/json+oembed"> for the <head> of an embeddable page. */
export function OembedLink(p: { config: Config; pageUrl: string; title: string }) {
  return (
    <link
      rel="alternate"
      type="application/json+oembed"
      href={oembedUrl(p.config, p.pageUrl)}
      title={p.title}
    />
  );
}
