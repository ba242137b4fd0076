/** Briefs: `briefs`, `brief_authors`, `brief_topics`: the institute's research, with authors and topics. */
export { briefCard, briefRef, briefSlug } from "./fragments.js";
export {
  type BriefView,
  briefsWithSlugs,
  getBrief,
  getBriefView,
  listBriefs,
  resolveBriefs,
} from "./queries.js";
export { briefRoutes, type RelatedEventsOfBrief } from "./routes.js";
export { briefAuthorRows, briefRows, briefTopicRows } from "./rows.js";
export { createBrief } from "./service.js";
