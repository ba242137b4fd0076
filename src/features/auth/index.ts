/** Auth: the `api_keys` table: staff API keys (hash only), their scopes, and `authenticate`. */
export { apiKeyRoutes } from "./routes.js";
export {
  authenticate,
  createApiKey,
  type KeyView,
  listApiKeys,
  newApiKeyRow,
  revokeApiKey,
} from "./service.js";
export { apiKeyInsertText } from "./sql-text.js";
