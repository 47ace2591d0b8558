// Entry of the parsing thread (see parse-pool.ts). TypeScript sources run through tsx, as bin/gongkai.mjs does for
// the main thread: loader flags given to a worker are not enough on Node 20, the hooks must be registered here.
import { existsSync } from "node:fs";

const compiled = new URL("./parse-worker.js", import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("./parse-worker.ts", import.meta.url).href);
}
