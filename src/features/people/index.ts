/** People: the `people` table: speakers, moderators, hosts and authors. */
export { peopleRoutes } from "./routes.js";
export { createPerson, type PersonRow, resolvePeople } from "./service.js";
