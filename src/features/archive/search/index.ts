/** Archive search: the FTS index queried as an API (/api/v1/archive) and as the /archive page. */
export { archiveApiRoutes } from "./api-routes.js";
export { archivePageRoutes } from "./pages.js";
