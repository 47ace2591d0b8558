// Render the bench's results: the terminal table and bench/results/latest.md. Pure: results in, text out.
import { fmtBytes, fmtNum, fmtPct, markdownTable, textTable } from "./stats.js";
import type { BenchResults, RunResult } from "./types.js";

const MB = 1024 * 1024;

export const RUN_HEADER = [
  "run 运行",
  "latency",
  "site pages",
  "HTML pages fetched",
  "wall s",
  "requests",
  "unique URLs",
  "req/URL",
  "bound s",
  "efficiency (target's formula)",
  "eff. (site's waits counted)",
  "slot eff.",
  "CPU s",
  "peak RSS",
  "bytes",
  "max in flight/host",
  "turnaround ms (median / p90)",
  "broken found",
];

export function runRow(r: RunResult): string[] {
  return [
    r.label,
    `${r.latencyMs} ms`,
    fmtNum(r.sitePages),
    fmtNum(r.htmlPagesServed),
    fmtNum(r.wallSecs, 1),
    fmtNum(r.requests),
    fmtNum(r.uniqueUrls),
    fmtNum(r.requestsPerUniqueUrl, 3),
    r.boundSecs > 0 ? fmtNum(r.boundSecs, 1) : "–",
    fmtNum(r.efficiency, 2),
    fmtNum(r.efficiencyWithWaits, 2),
    fmtNum(r.slotEfficiency, 2),
    fmtNum(r.cpuSecs, 1),
    Number.isFinite(r.maxRssBytes) ? `${fmtNum(r.maxRssBytes / MB)} MB` : "–",
    fmtBytes(r.bytesOut),
    fmtNum(r.maxInFlightPerHost),
    r.turnaroundMedianMs !== undefined ? `${fmtNum(r.turnaroundMedianMs, 2)} / ${fmtNum(r.turnaroundP90Ms, 2)}` : "–",
    r.plantedBrokenFound ? `${r.plantedBrokenFound.found}/${r.plantedBrokenFound.of}` : "–",
  ];
}

export function terminalTable(results: Pick<BenchResults, "runs">): string {
  return textTable(RUN_HEADER, results.runs.map(runRow));
}

export function targetsTable(results: Pick<BenchResults, "targets">): string[][] {
  return results.targets.map((t) => [t.target, t.value, t.reference ? "参考 reference" : t.met === undefined ? "–" : t.met ? "✅ 达到 met" : "❌ 未达到 not met", t.note ?? ""]);
}

export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`# gongkai 基准测试 benchmark — ${r.finishedAt.slice(0, 10)}${r.quick ? " (quick 快速冒烟)" : ""}`);
  lines.push("");
  lines.push(
    `机器 Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${fmtBytes(r.machine.totalMemBytes)} RAM, Node ${r.machine.node}, ${r.machine.platform}; ` +
      `CPU/RSS via ${r.machine.measuredVia}. 站点 Site: ${fmtNum(r.site.pageCount)} pages (HTML and attachments; ${fmtNum(r.site.htmlPages)} HTML pages holding ${fmtNum(r.site.links)} links), ` +
      `latency ${r.options.latencyMs} ms per response, ${r.options.concurrency} requests per host at a time. ` +
      `gongkai ${r.gongkai?.commit ?? "?"}${r.gongkai?.dirty ? " (with uncommitted crawler changes)" : ""}${r.gongkai && r.gongkai.root !== "." ? ` from ${r.gongkai.root}` : ""}.`,
  );
  lines.push("");
  lines.push("## 目标 Targets");
  lines.push("");
  lines.push(markdownTable(["目标 target", "实测 measured", "状态 status", "说明 note"], targetsTable(r)));
  lines.push("");
  lines.push("## 每次运行 Runs");
  lines.push("");
  lines.push(markdownTable(RUN_HEADER, r.runs.map(runRow)));
  lines.push("");
  lines.push(
    "site pages = pages the site serves (HTML and attachments); HTML pages fetched = HTML pages the site sent whole (304s not counted); wall = 子进程从启动到退出 child process start to exit (Node start-up included); requests / unique URLs / bytes / max in flight = " +
      "counted by the site process on the socket; bound = requests needed (busiest host's unique URLs) × latency ÷ concurrency; efficiency = bound ÷ wall (the figure the efficiency target is judged on); eff. (site's waits counted) = (bound + the waits the site itself demands: one whole timeout in one slot for each URL that never answers, and every Retry-After pause) ÷ wall; slot eff. = (busiest host's summed request time as the site measured it, slow and hanging URLs included, ÷ concurrency) ÷ wall; " +
      "turnaround = time from an answer to the next request on the same connection, busiest host (the checker's reaction time; at the politeness limit every ms of it is a slot left idle); CPU s and peak RSS = the checker's process alone (the site runs in another process); broken found = planted broken links (site manifest) the run reported.",
  );
  lines.push("");
  if (r.recrawl) {
    lines.push("## 复查 Re-crawl");
    lines.push("");
    lines.push(
      `- 未变化的站点，在 recheckAfterHours 之内 unchanged site, within recheckAfterHours (same-day re-run): time ${fmtPct(r.recrawl.timeShare)} of the cold crawl, requests ${fmtPct(r.recrawl.requestShare)}.`,
    );
    const n = r.recrawl.nextNight;
    if (n)
      lines.push(
        `- 第二天晚上 the next night (last checks older than recheckAfterHours: every page asked again conditionally, every link checked): time ${fmtPct(n.timeShare)}, requests ${fmtPct(n.requestShare)}, bytes ${fmtPct(n.bytesShare)}, CPU ${fmtPct(n.cpuShare)} of the cold crawl.`,
      );
    const c = r.recrawl.changed;
    if (c)
      lines.push(
        `- 小改动之后 after a small change: time ${fmtPct(c.timeShare)}, requests ${fmtPct(c.requestShare)}; new defects found ${c.found.length}/${c.expected.length}` +
          (c.missed.length ? ` (missed: ${c.missed.join(", ")})` : "") +
          ".",
      );
    lines.push("");
  }
  if (r.rssGrowth) {
    const g = r.rssGrowth;
    lines.push("## 内存增长 Memory growth");
    lines.push("");
    lines.push(
      `- ${fmtNum(g.smallPages)} pages: ${fmtNum(g.smallRssBytes / MB)} MB; ${fmtNum(g.pages)} pages: ${fmtNum(g.rssBytes / MB)} MB → RSS ∝ pages^${fmtNum(g.exponent, 2)} ` +
        `(${g.exponent !== undefined && g.exponent < 1 ? "sub-linear 低于线性" : "not sub-linear 非低于线性"}).`,
    );
    lines.push("");
  }
  if (r.overlay) {
    lines.push("## 浮层 Overlay");
    lines.push("");
    if ("error" in r.overlay) lines.push(`- not measured: ${r.overlay.error}`);
    else {
      const o = r.overlay;
      lines.push(`- ${fmtNum(o.links)} links, ${fmtNum(o.findings)} findings, via ${o.via}, median of ${o.repeats}:`);
      lines.push(
        `  - 页面加载到浮层完成 page load (load event) → overlay complete: ${fmtNum(o.loadToCompleteMs, 1)} ms` +
          (o.waitMs !== undefined ? ` = waiting for the content script and the findings ${fmtNum(o.waitMs, 1)} ms` : "") +
          (o.initialMarkMs !== undefined ? ` + 标记本身 the marking pass ${fmtNum(o.initialMarkMs, 1)} ms` : ""),
      );
      lines.push(`  - 后来加入的 100 个链接 100 links added later: ${fmtNum(o.added100Ms, 1)} ms`);
      for (const n of o.notes) lines.push(`  - ${n}`);
    }
    lines.push("");
  }
  if (r.profile) {
    lines.push("## 时间花在哪 Where the time goes (CPU profile, zero latency)");
    lines.push("");
    if ("error" in r.profile) lines.push(`- not profiled: ${r.profile.error}`);
    else {
      for (const t of r.profile.threads) {
        if (t.busyMs < 0.02 * (r.profile.wallSecs ?? 0) * 1000) continue;
        lines.push(`**${t.thread}** — busy ${fmtNum(t.busyMs / 1000, 1)} s of ${fmtNum(t.totalMs / 1000, 1)} s profiled:`);
        lines.push("");
        lines.push(markdownTable(["module 模块", "self ms", "share"], t.modules.slice(0, 8).map((m) => [m.module, fmtNum(m.selfMs), fmtPct(m.share, 1)])));
        lines.push("");
      }
      lines.push("Details: profile.md.");
    }
    lines.push("");
  }
  lines.push("## 比较的范围 What each tool checks");
  lines.push("");
  for (const s of r.scope) lines.push(`- ${s}`);
  if (r.errors.length) {
    lines.push("");
    lines.push("## 错误 Errors");
    lines.push("");
    for (const e of r.errors) lines.push(`- ${e.split("\n")[0]}`);
  }
  lines.push("");
  return lines.join("\n");
}
