/** Briefs: `briefs`, `brief_authors`, `brief_topics`: the institute's research, with authors and topics. */
export { briefCard } from "./fragments.js";
export { briefRoutes, type RelatedEventsOfBrief } from "./routes.js";
export {
  type BriefView,
  createBrief,
  getBrief,
  getBriefView,
  listBriefs,
  resolveBriefs,
} from "./service.js";
