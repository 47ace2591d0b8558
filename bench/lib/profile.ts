// Summarise a crawler CPU profile (.cpuprofile from node --cpu-prof) into bench/results/profile.md.
import { fmtNum, fmtPct, inclusiveTimes, markdownTable, selfTimes, selfTimesByModule, type CpuProfile } from "./stats.js";

export interface ProfileSummary {
  busyMs: number;
  totalMs: number;
  top: { name: string; selfMs: number; share: number }[];
  modules: { module: string; selfMs: number; share: number }[];
  /** Inclusive time of our own functions (crawler/, shared/), largest first. */
  ours: { name: string; totalMs: number }[];
}

export function summariseProfile(profile: CpuProfile, root: string, topN = 30): ProfileSummary {
  const { rows, busyMs, totalMs } = selfTimes(profile, root);
  const ourCode = (_fn: string, url: string) => /\/(crawler|shared)\//.test(url) && !url.includes("node_modules");
  return {
    busyMs,
    totalMs,
    top: rows.slice(0, topN).map((r) => ({ name: r.name, selfMs: r.selfMs, share: r.share })),
    modules: selfTimesByModule(rows),
    ours: inclusiveTimes(profile, ourCode, root).slice(0, topN),
  };
}

/** One thread's profile: node --cpu-prof writes one file per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
export interface ThreadProfile {
  /** "main", "parse worker", "tsx loader" … named by what runs on it. */
  thread: string;
  file: string;
  summary: ProfileSummary;
}

/** Long names (a RegExp's source is its "function name") cut to a readable length. */
function cut(name: string, max = 110): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

/** Name a thread by what its profile holds. */
export function threadName(profile: CpuProfile, file: string): string {
  const urls = new Set(profile.nodes.map((n) => n.callFrame.url));
  const has = (re: RegExp) => [...urls].some((u) => re.test(u));
  if (has(/crawler\/pipeline\.ts$/)) return "main";
  if (has(/parse-worker/)) return "parse worker";
  if (has(/tsx\//)) return "tsx loader";
  const m = /\.(\d+)\.\d+\.cpuprofile$/.exec(file);
  return m ? `thread ${m[1]}` : "thread";
}

export function renderProfileMarkdown(threads: ThreadProfile[], context: { label: string; wallSecs: number; cpuSecs: number; pages: number; notes: string[] }): string {
  const lines = [
    `# gongkai crawl CPU profile — ${context.label}`,
    "",
    `\`node --cpu-prof\` on the crawler child (\`node bin/gongkai.mjs crawl\`) against the bench site at zero latency ` +
      `(${fmtNum(context.pages)} pages; the site's never-answering URL answers 404 here), so the crawl is CPU-bound and the ` +
      `profile shows what the crawler itself costs. Wall ${fmtNum(context.wallSecs, 1)} s, CPU ${fmtNum(context.cpuSecs, 1)} s (all threads, profiler overhead included). ` +
      `One profile per thread; shares are of that thread's busy (not idle) time. Raw profiles are not committed (open them in Chrome DevTools → Performance).`,
    "",
    markdownTable(
      ["thread", "busy s", "profiled s", "file"],
      threads.map((t) => [t.thread, fmtNum(t.summary.busyMs / 1000, 1), fmtNum(t.summary.totalMs / 1000, 1), t.file]),
    ),
    "",
  ];
  for (const t of threads) {
    const s = t.summary;
    if (s.busyMs < 0.02 * context.wallSecs * 1000) continue; // e.g. the TypeScript loader: nothing to learn
    lines.push(
      `## ${t.thread}: self time by module 按模块`,
      "",
      markdownTable(["module", "self ms", "share"], s.modules.slice(0, 15).map((m) => [m.module, fmtNum(m.selfMs), fmtPct(m.share, 1)])),
      "",
      `## ${t.thread}: top functions by self time 自身耗时最多的函数`,
      "",
      markdownTable(["function (file:line)", "self ms", "share"], s.top.map((r) => [cut(r.name), fmtNum(r.selfMs), fmtPct(r.share, 1)])),
      "",
      `## ${t.thread}: our code, inclusive time (callees included) 我们的代码（含被调用者）`,
      "",
      markdownTable(["function (file:line)", "total ms", "share of busy"], s.ours.map((r) => [cut(r.name), fmtNum(r.totalMs), fmtPct(s.busyMs ? r.totalMs / s.busyMs : undefined, 1)])),
      "",
    );
  }
  if (context.notes.length) {
    lines.push("## Reading 解读", "");
    for (const n of context.notes) lines.push(`- ${n}`);
    lines.push("");
  }
  return lines.join("\n");
}
