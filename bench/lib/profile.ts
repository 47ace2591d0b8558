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

export function renderProfileMarkdown(s: ProfileSummary, context: { label: string; wallSecs: number; pages: number; file: string; notes: string[] }): string {
  const lines = [
    `# gongkai crawl CPU profile — ${context.label}`,
    "",
    `\`node --cpu-prof\` on the crawler child (\`node bin/gongkai.mjs crawl\`) against the bench site at zero latency ` +
      `(${fmtNum(context.pages)} pages), so the crawl is CPU-bound and the profile shows what the crawler itself costs. ` +
      `Wall ${fmtNum(context.wallSecs, 1)} s; profiled ${fmtNum(s.totalMs / 1000, 1)} s, of which busy (not idle) ${fmtNum(s.busyMs / 1000, 1)} s. ` +
      `Shares are of the busy time. Raw profile: \`${context.file}\` (not committed; open it in Chrome DevTools → Performance).`,
    "",
    "## Self time by module 按模块",
    "",
    markdownTable(["module", "self ms", "share"], s.modules.slice(0, 15).map((m) => [m.module, fmtNum(m.selfMs), fmtPct(m.share, 1)])),
    "",
    "## Top functions by self time 自身耗时最多的函数",
    "",
    markdownTable(["function (file:line)", "self ms", "share"], s.top.map((r) => [r.name, fmtNum(r.selfMs), fmtPct(r.share, 1)])),
    "",
    "## Our code, inclusive time (callees included) 我们的代码（含被调用者）",
    "",
    markdownTable(["function (file:line)", "total ms", "share of busy"], s.ours.map((r) => [r.name, fmtNum(r.totalMs), fmtPct(s.busyMs ? r.totalMs / s.busyMs : undefined, 1)])),
    "",
  ];
  if (context.notes.length) {
    lines.push("## Reading 解读", "");
    for (const n of context.notes) lines.push(`- ${n}`);
    lines.push("");
  }
  return lines.join("\n");
}
