#!/usr/bin/env node
// `node bin/run-ts.mjs FILE.ts args…`: run a TypeScript entry point (bench, demo) through tsx.
import { register } from "tsx/esm/api";
import { pathToFileURL } from "node:url";
import path from "node:path";
register();
const [file, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], file, ...rest];
await import(pathToFileURL(path.resolve(file)).href);
