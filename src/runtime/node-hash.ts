import { createHash } from "node:crypto";
import { useSha256 } from "../lib/tokens.js";

/** node:crypto hashes synchronously; see useSha256 for why Node uses it instead of Web Crypto. */
export function useNodeHashing(): void {
  useSha256((value) => createHash("sha256").update(value).digest("hex"));
}
