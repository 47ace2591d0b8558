#!/usr/bin/env node
// `npm run build` (and `npm pack`, through prepack): compile the CLI to dist/ with tsc (tsconfig.build.json).
// tsc writes dist/ even when the types have errors; those are printed and the build goes on (`npm run typecheck`
// is the strict gate), so one engineer's half-typed edit does not stop everyone's package test. A build that wrote
// no entry point is a real failure.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync("dist", { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (!existsSync("dist/crawler/main.js")) {
  console.error("编译失败，没有生成 dist/crawler/main.js / the build wrote no dist/crawler/main.js");
  process.exit(1);
}
if (r.status !== 0) console.error("警告：类型检查有错误（见上），dist/ 已照常生成 / warning: type errors above; dist/ was written anyway");
