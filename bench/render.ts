// `node bin/run-ts.mjs bench/render.ts [bench/results/latest.json]`: re-evaluate the targets and rewrite the
// Markdown beside a results file (after a change to how results are judged or shown; no crawl is run). The
// profile is re-rendered too when its raw .cpuprofile files are still there.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { evaluateTargets } from "./lib/targets.js";
import { renderMarkdown } from "./lib/report.js";
import { renderProfileMarkdown, summariseProfile, threadName, type ThreadProfile } from "./lib/profile.js";
import type { CpuProfile } from "./lib/stats.js";
import type { BenchResults } from "./lib/types.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const file = path.resolve(process.argv[2] ?? path.join(ROOT, "bench/results/latest.json"));
const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
results.targets = evaluateTargets(results);
writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
const md = file.replace(/\.json$/, ".md");
writeFileSync(md, renderMarkdown(results));
process.stdout.write(`${md}\n`);

const p = results.profile;
if (p && "threads" in p && p.threads.every((t) => existsSync(t.file))) {
  const threads: ThreadProfile[] = p.threads.map((t) => ({ thread: t.thread, file: t.file, summary: summariseProfile(JSON.parse(readFileSync(t.file, "utf8")) as CpuProfile, ROOT) }));
  for (const t of threads) t.thread = threadName(JSON.parse(readFileSync(t.file, "utf8")) as CpuProfile, t.file);
  const out = path.join(path.dirname(file), path.basename(file) === "quick.json" ? "profile-quick.md" : "profile.md");
  const notesFile = path.join(ROOT, "bench/profile-notes.md");
  writeFileSync(
    out,
    renderProfileMarkdown(threads, {
      label: `${results.site.pageCount.toLocaleString("en-US")} pages, ${results.startedAt.slice(0, 10)}`,
      wallSecs: p.wallSecs ?? NaN,
      cpuSecs: p.cpuSecs ?? NaN,
      pages: results.site.pageCount,
      notes: [],
    }) + (existsSync(notesFile) ? "\n" + readFileSync(notesFile, "utf8") : ""),
  );
  process.stdout.write(`${out}\n`);
}
