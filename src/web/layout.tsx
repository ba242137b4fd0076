import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../lib/http.js";
import { SITE_CSS_URL } from "./assets.js";

interface LayoutProps {
  title: string;
  org: string;
  /** Extra markup for <head> (the event page's JSON-LD). */
  head?: Child;
  /** Pages that carry a personal token keep robots away too. */
  noindex?: boolean;
  children?: Child;
}

/** The frame of every page: landmarks, a skip link, our stylesheet and nothing else. */
export function Layout(p: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${p.title} | ${p.org} events`}</title>
        {p.noindex ? <meta name="robots" content="noindex, nofollow" /> : null}
        <link rel="stylesheet" href={SITE_CSS_URL} />
        {p.head}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to main content
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              {p.org} events
            </a>
            <nav aria-label="Site">
              <ul>
                <li>
                  <a href="/">Upcoming events</a>
                </li>
                <li>
                  <a href="/archive">Past events</a>
                </li>
                <li>
                  <a href="/topics">Topics</a>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <div class="wrap">{p.children}</div>
        </main>
        <footer class="site">
          <div class="wrap">
            <p>{p.org}. Questions about an event or your data? Reply to any email we sent you.</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Sends a rendered page with a doctype; the JSX tree escapes every interpolated value. */
export async function sendPage(
  c: Context<AppEnv>,
  node: Child,
  status: ContentfulStatusCode = 200,
  headers: Record<string, string> = {},
): Promise<Response> {
  const html = `<!doctype html>${String(await node)}`;
  return c.html(html, status, headers);
}

/** A page that only says something: not found, closed, done. */
export function MessagePage(p: {
  title: string;
  org: string;
  tone?: "ok" | "warn" | "info";
  noindex?: boolean;
  children?: Child;
}) {
  return (
    <Layout title={p.title} org={p.org} noindex={p.noindex}>
      <h1>{p.title}</h1>
      <div class={`notice ${p.tone ?? "info"}`}>{p.children}</div>
      <p>
        <a href="/">See upcoming events</a>
      </p>
    </Layout>
  );
}

export function notFoundPage(c: Context<AppEnv>, what = "page"): Promise<Response> {
  return sendPage(
    c,
    <MessagePage title="Not found" org={c.var.deps.config.ORG_NAME} tone="warn" noindex>
      <p>{`We could not find this ${what}. The link may be mistyped, or it is no longer valid.`}</p>
    </MessagePage>,
    404,
  );
}
