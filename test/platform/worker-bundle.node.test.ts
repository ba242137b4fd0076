import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/*
 * The Worker must not load the Node-only database code (LocalClient and its native libsql
 * module, group commit, the Node migrator): src/db/batch.ts finds group commit by the client's
 * shape instead of importing it. No node: module either (tokens are hashed with Web Crypto there;
 * src/runtime/node-hash.ts swaps node:crypto in on Node only). Bundled as wrangler bundles it
 * (esbuild, type imports dropped).
 */

const NODE_ONLY = [
  "src/db/local-client.ts",
  "src/db/local-rows.ts",
  "src/db/local-errors.ts",
  "src/db/group-commit.ts",
  "src/db/open-node.ts",
  "src/db/migrate-node.ts",
];

describe("the Worker bundle", () => {
  it("holds none of the Node-only database code, and no node: module", async () => {
    const { metafile } = await build({
      entryPoints: ["src/worker.ts"],
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      external: ["node:*", "cloudflare:*"],
      logLevel: "silent",
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain("src/db/batch.ts");
    expect(inputs.filter((f) => NODE_ONLY.includes(f) || f.includes("node_modules/libsql/"))).toEqual([]);
    const nodeImports = Object.entries(metafile.inputs).flatMap(([file, { imports }]) =>
      imports.filter((i) => i.path.startsWith("node:")).map((i) => `${file} -> ${i.path}`),
    );
    expect(nodeImports).toEqual([]);
  });
});
