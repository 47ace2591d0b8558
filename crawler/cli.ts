// Entry point: `gongkai COMMAND [options]`. Each command lives in commands/<name>.ts and is loaded only when used,
// so `--help` stays instant and a command's heavy dependencies (Crawlee, Playwright, exceljs) load on demand.
import type { Command } from "./commands/command.js";

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  crawl: () => import("./commands/crawl.js"),
  report: () => import("./commands/report.js"),
  serve: () => import("./commands/serve.js"),
  schedule: () => import("./commands/schedule.js"),
  enqueue: () => import("./commands/enqueue.js"),
  worker: () => import("./commands/worker.js"),
};

const SUMMARIES: Record<string, string> = {
  crawl: "抓取配置的栏目，检查所有链接并判断内容 / crawl the configured columns once",
  report: "按科室生成断链周报 / the broken-link report per department",
  serve: "为浏览器扩展提供问题数据的服务 / the findings server for the browser extension",
  schedule: "常驻进程：夜间抓取、每周报告 / nightly crawl and weekly report",
  enqueue: "把网站的抓取任务放入队列（PostgreSQL）/ queue crawls of sites for the workers",
  worker: "从队列取抓取任务并执行 / run queued crawls (many machines)",
};

export function usage(): string {
  const lines = [
    "gongkai（公开）— 政府信息公开栏目检查 / checks a government site's statutory disclosure columns",
    "",
    "用法 Usage: gongkai <command> [options]",
    "",
    "命令 Commands:",
    ...Object.keys(COMMANDS).map((c) => `  ${c.padEnd(10)}${SUMMARIES[c]}`),
    "",
    "  gongkai <command> --help   该命令的用法 / usage of one command",
    "",
    "退出码 Exit codes: 0 完成 done · 1 无法运行或站点不可达 could not run / site unreachable · 2 参数或配置错误 bad arguments or config",
  ];
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write("0.1.0\n");
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`未知命令 unknown command: ${name}\n\n${usage()}\n`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.summary}\n\n${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    process.stderr.write(`gongkai ${name}: ${err.message}\n`);
    return err.exitCode ?? 1;
  }
}
