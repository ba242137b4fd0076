/** RSS 2.0 and JSON Feed of newly published recordings, site-wide and per topic. */
export { feedRoutes } from "./routes.js";
