/**
 * The module rules of src/ (docs/ARCHITECTURE.md, "Modules"), checked by `npm run lint`.
 * test/platform/module-rules.node.test.ts plants a violation of each in a copy of src/ and checks it fails.
 */
const FEATURE = "^src/features/([^/]+)/";
module.exports = {
  forbidden: [
    {
      name: "feature-entry-only",
      comment:
        "Another feature is reached only through its index.ts (its public face); reaching into its files couples you to its insides.",
      severity: "error",
      from: { path: FEATURE },
      to: { path: "^src/features/[^/]+/", pathNot: ["^src/features/$1/", "^src/features/[^/]+/index\\.ts$"] },
    },
    {
      name: "feature-entry-only-outside",
      comment: "Code outside src/features reaches a feature only through its index.ts.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/features/" },
      to: { path: "^src/features/[^/]+/", pathNot: "^src/features/[^/]+/index\\.ts$" },
    },
    {
      name: "shared-layers-import-no-feature",
      comment:
        "lib, db, web and mail are shared mechanisms: they take what features give them at composition (src/composition.ts, createApp) instead of importing features.",
      severity: "error",
      from: { path: "^src/(lib|db|web|mail)/" },
      to: { path: "^src/(features|jobs|app\\.ts|composition\\.ts)" },
    },
    {
      name: "no-cycles",
      comment:
        "Modules form no runtime import cycle (a cycle through type-only imports costs nothing at run time); features form no cycle at all (next rule).",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "worker-reaches-no-node-builtin",
      comment: "The Worker bundle must not need node:* modules (Web APIs only).",
      severity: "error",
      from: { path: "^src/worker\\.ts$" },
      to: { path: "^(node:|(fs|fs/promises|path|crypto|url|module|util|os|child_process|stream|net|http|https|events|buffer|worker_threads|zlib|tls|dns)$)", reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js"] },
    exclude: { path: "node_modules" },
  },
};
