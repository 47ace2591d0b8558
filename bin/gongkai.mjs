#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx: no build step between a checkout and `npx gongkai`.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../crawler/cli.ts");
process.exitCode = await main(process.argv.slice(2));
