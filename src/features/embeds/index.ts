/**
 * Embeds: script-free blocks of events for iframes on the institute's own site
 * (/embed/events, /embed/topics/{slug}, /embed/events/{slug}), framed only by EMBED_ORIGINS,
 * and the oEmbed endpoint. Owns no table.
 */

export { isEmbedPath } from "./respond.js";
export { embedRoutes } from "./routes.js";
