// `gongkai crawl --config FILE [--db FILE] [--out DIR]`: one crawl of the configured columns.
// Exit codes (contract): 0 finished; 1 could not run or the site was unreachable; 2 bad arguments or config
// (one line per problem naming the field; the database is not touched).
import type { Command } from "./command.js";
import { loadConfig, parseCommandArgs } from "../args.js";

export const command: Command = {
  summary: "抓取配置的栏目，检查所有链接并判断内容 / crawl the configured columns once",
  usage: [
    "用法 Usage: gongkai crawl --config FILE [--db FILE] [--out DIR]",
    "",
    "  --config FILE   配置文件（JSON）the config file",
    "  --db FILE|URL   数据库 the database: a SQLite file (default ./gongkai.sqlite) or postgres://user@host/db",
    "  --out DIR       输出目录，写入 DIR/findings.json the output folder (default ./gongkai-out)",
    "  --quiet         不显示进度 no progress lines",
    "",
    "退出码 Exit codes: 0 完成 finished · 1 无法运行或网站不可达 could not run / site unreachable · 2 参数或配置错误 bad arguments or config",
  ].join("\n"),
  async run(argv: string[]): Promise<number> {
    const args = parseCommandArgs(argv, {
      config: { type: "string" },
      db: { type: "string" },
      out: { type: "string" },
      quiet: { type: "boolean" },
    });
    // Validate everything before anything is opened or written.
    const config = loadConfig(args.config);
    const { runCrawl } = await import("../pipeline.js");
    const controller = new AbortController();
    const onSignal = () => {
      process.stderr.write("\n收到中止信号，正在停止… stopping (nothing will be marked fixed)\n");
      controller.abort();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const result = await runCrawl(config, {
        dbFile: args.db ?? "gongkai.sqlite",
        outDir: args.out ?? "gongkai-out",
        signal: controller.signal,
        log: args.quiet ? (line) => (line.startsWith("[进度") ? undefined : void process.stderr.write(line + "\n")) : undefined,
      });
      process.stdout.write(`${result.findingsFile}\n`);
      return result.exitCode;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};
