/** Topics: the `topics` table: the tags events and briefs share. */
export { topicCard, topicIdOfSlug, topicSortKey } from "./fragments.js";
export { topicRoutes } from "./routes.js";
export { createTopic, resolveTopicIds, type TopicRow } from "./service.js";
