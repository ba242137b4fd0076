/** People: the `people` table: speakers, moderators, hosts and authors. */
export { authorCard, personCard, personIdOfSlug } from "./fragments.js";
export { peopleRoutes } from "./routes.js";
export { createPerson, type PersonRow, resolvePeople } from "./service.js";
