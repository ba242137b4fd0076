/** People: the `people` table: speakers, moderators, hosts and authors. */
export { authorCard, personCard, personIdOfSlug } from "./fragments.js";
export { peopleRoutes } from "./routes.js";
export { personRows } from "./rows.js";
export { createPerson, findPerson, type PersonRow, resolvePeople } from "./service.js";
