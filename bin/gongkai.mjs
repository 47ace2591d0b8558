#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx: no build step between a checkout and `npx gongkai`.
import { register } from "tsx/esm/api";
register();
// `gongkai report | head`: a reader that goes away is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
const { main } = await import("../crawler/cli.ts");
process.exitCode = await main(process.argv.slice(2));
