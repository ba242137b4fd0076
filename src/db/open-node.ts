import { type Client, createClient } from "@libsql/client";
import { LocalClient } from "./local-client.js";

/*
 * Node only: LocalClient loads libsql's native module, which the Worker bundle must not import.
 */

/** Whether a DATABASE_URL names the embedded engine (a file or memory) rather than a server. */
export const isLocalUrl = (url: string) => url.startsWith("file:") || url === ":memory:";

/**
 * A client for a DATABASE_URL: our LocalClient (prepared-statement cache, see local-client.ts)
 * for the embedded engine, @libsql/client for a libsql server.
 */
export function openClient(url: string, authToken?: string): Client {
  if (!isLocalUrl(url)) return createClient({ url, authToken });
  return new LocalClient(localPath(url)) as unknown as Client;
}

/** "file:./data/x.db" -> "./data/x.db", "file:///abs/x.db" -> "/abs/x.db", ":memory:" stays. */
export function localPath(url: string): string {
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  const rest = url.slice("file:".length).split("?")[0]!;
  return decodeURIComponent(rest.startsWith("//") ? new URL(url).pathname : rest);
}
