// Preload (`node --import`) used when GNU time is missing: writes this process's CPU time and peak RSS to
// $BENCH_RUSAGE_FILE as it exits.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  process.on("exit", () => {
    const r = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userCPUTime: r.userCPUTime, systemCPUTime: r.systemCPUTime, maxRSS: r.maxRSS }));
  });
}
