#!/usr/bin/env node
// Development runner: the TypeScript CLI straight from the sources through tsx, no build step between an edit and a
// run (tests and the bench spawn this). The installed package runs the compiled dist/crawler/main.js instead.
import { register } from "tsx/esm/api";
register();
await import("../crawler/main.ts");
