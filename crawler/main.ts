#!/usr/bin/env node
// The installed `gongkai` binary (package.json "bin" → dist/crawler/main.js). Kept tiny: everything a command
// needs is loaded by cli.ts only when that command runs, so `gongkai --help` starts in well under 0.2 s.
// `gongkai report | head`: a reader that goes away is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
const { main } = await import("./cli.js");
process.exitCode = await main(process.argv.slice(2));
