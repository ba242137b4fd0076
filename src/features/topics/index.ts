/** Topics: the `topics` table: the tags events and briefs share. */
export { topicCard, topicIdOfSlug, topicSortKey, topicUpdatedAt } from "./fragments.js";
export { topicRoutes } from "./routes.js";
export { topicRows } from "./rows.js";
export { createTopic, findTopic, listTopics, resolveTopicIds, type TopicRow } from "./service.js";
