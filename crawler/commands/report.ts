// `gongkai report`: the broken-link report of the period, per department, in the chosen formats; with --mail,
// each department's part by e-mail and the whole to the office.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Command } from "./command.js";
import { loadConfig, parseCommandArgs, parseDuration, UsageError } from "../args.js";
import type { Config } from "../../shared/schema.js";

const usage = `用法 Usage: gongkai report --db FILE [--since 7d] [--format html,md,csv,xlsx] [--out DIR] [--config FILE] [--mail] [--lang zh|en]

  --db FILE|URL    数据库 the database written by crawl: a SQLite file (default ./gongkai.sqlite) or postgres://…
  --since 7d       统计周期：7d、24h、2w 或起始日期 2026-03-01 (default 7d)
  --format LIST    html, md, csv, xlsx，逗号分隔 comma-separated (default all four)
  --out DIR        输出目录 output folder (default ./gongkai-out): report.html, report.md, report.csv +
                   report-other.csv, report.xlsx
  --config FILE    配置文件：栏目名称、科室与负责人（列出无问题的科室）、语言；--mail 需要其中的 mail 段
                   the config: column names, departments and maintainers (clean ones listed too), language;
                   --mail needs its mail section
  --mail           按科室发送邮件（正文 HTML，附该科室的 Excel），办公室收到全部
                   mail each department its part (HTML, its XLSX attached); the office gets the whole
  --lang zh|en     报告语言 report language (default: the config's language, else zh)
  --site ID        只报告该网站（多网站数据库）only this site (site.id) of a store holding several

  PostgreSQL 且未给 --site：每个网站的报告写入 OUT/<site.id>/，总览写入 OUT/overview.html 与 overview.xlsx
  （网站 × 科室：未修复、新发现、已修复、最长持续天数）；--config 可重复，按 site.id 对应，--mail 按各网站的科室发送。
  With postgres://… and no --site: each site's report in OUT/<site.id>/, and the overview of every site (site ×
  department: open, new, fixed, longest open) in OUT/overview.html and overview.xlsx; --config repeats (matched
  by site.id) and --mail mails each site's departments.

退出码 Exit codes: 0 done · 1 database missing or unusable, or a mail could not be sent · 2 bad arguments or config`;

/** `7d` / `24h` / `2w` before now, or a calendar date (start of that day in the report's time zone). */
export function parseSince(value: string, now: Date, timeZone = "Asia/Shanghai"): Date {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (date) {
    const guess = new Date(`${value.trim()}T00:00:00Z`);
    if (Number.isNaN(guess.getTime()) || guess.toISOString().slice(0, 10) !== value.trim())
      throw new UsageError(`--since: not a valid date "${value}"`);
    // Midnight in the report's time zone: shift by that zone's offset on that day.
    const local = new Date(guess.toLocaleString("en-US", { timeZone }));
    const utc = new Date(guess.toLocaleString("en-US", { timeZone: "UTC" }));
    const since = new Date(guess.getTime() - (local.getTime() - utc.getTime()));
    if (since > now) throw new UsageError(`--since: ${value} is in the future`);
    return since;
  }
  const ms = parseDuration(value);
  if (ms <= 0) throw new UsageError(`--since: must be longer than zero, got "${value}"`);
  return new Date(now.getTime() - ms);
}

export async function runReport(
  argv: string[],
  io: { out: (s: string) => void; err: (s: string) => void; now?: Date } = { out: (s) => process.stdout.write(s + "\n"), err: (s) => process.stderr.write(s + "\n") },
): Promise<number> {
  const args = parseCommandArgs(argv, {
    db: { type: "string", default: "gongkai.sqlite" },
    since: { type: "string", default: "7d" },
    format: { type: "string", default: "html,md,csv,xlsx" },
    out: { type: "string", default: "gongkai-out" },
    config: { type: "string", multiple: true },
    mail: { type: "boolean", default: false },
    lang: { type: "string" },
    site: { type: "string" },
  });
  const { isPostgresUrl } = await import("../store/index.js");
  const overview = isPostgresUrl(args.db!) && !args.site;
  if ((args.config?.length ?? 0) > 1 && !overview)
    throw new UsageError("--config 只能给一个 only one --config (several only for the overview of a PostgreSQL store)");
  const { REPORT_FORMATS, loadReportModelFromFile, writeReport } = await import("../report/index.js");
  const formats = args.format!.split(",").map((f) => f.trim().toLowerCase()).filter(Boolean);
  const bad = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length || !formats.length)
    throw new UsageError(`--format: unknown format ${bad.map((b) => `"${b}"`).join(", ") || "(empty)"}; choose from ${REPORT_FORMATS.join(", ")}`);
  if (args.lang !== undefined && args.lang !== "zh" && args.lang !== "en") throw new UsageError(`--lang: expected zh or en, got "${args.lang}"`);
  const configs = (args.config ?? []).map((f) => loadConfig(f));
  const config: Config | undefined = configs[0];
  const now = io.now ?? new Date();
  const since = parseSince(args.since!, now, config?.schedule.timezone);
  if (args.mail) {
    if (!config) throw new UsageError("--mail 需要 --config FILE：SMTP 设置和收件人在配置文件中 --mail needs --config FILE (SMTP settings and recipients are in the config)");
    const { mailSettingsProblems } = await import("../report/mail.js");
    const problems = configs.filter((c) => !overview || c.mail).flatMap((c) => mailSettingsProblems(c));
    if (problems.length) throw new UsageError(problems.join("\n"));
  }
  const language = (args.lang as "zh" | "en" | undefined) ?? config?.language ?? "zh";

  const dbFile = args.db!;
  if (overview) {
    const { runOverviewReport } = await import("../report/overview-run.js");
    return runOverviewReport({ dbUrl: dbFile, outDir: args.out!, formats: formats as (typeof REPORT_FORMATS)[number][], language, since, now, configs, mail: args.mail!, out: io.out, err: io.err });
  }
  if (!isPostgresUrl(dbFile) && !existsSync(dbFile)) {
    io.err(`数据库文件不存在 database not found: ${path.resolve(dbFile)} — 请先运行 run \`gongkai crawl\` first`);
    return 1;
  }
  const model = await loadReportModelFromFile(dbFile, { since, now, config, siteId: args.site });
  if (!model.lastRun) io.err(`注意 note: 数据库中还没有抓取记录 the database holds no crawl yet: ${dbFile}`);
  const files = await writeReport(model, { outDir: args.out!, formats: formats as (typeof REPORT_FORMATS)[number][], language });
  const tot = model.totals;
  io.out(`报告已生成 report written (${model.departments.length} 个科室 departments; 新发现 new ${tot.newCount} · 未修复 open ${tot.open} · 本期已修复 fixed ${tot.fixed} · 其他问题 other ${tot.other}):`);
  for (const f of files) io.out(`  ${path.resolve(f)}`);

  if (args.mail && config) {
    const { sendReportMail } = await import("../report/mail.js");
    const results = await sendReportMail({ ...model }, { ...config, language }, { log: io.out });
    const failed = results.filter((r) => !r.ok);
    io.out(`邮件 mail: ${results.length - failed.length} 封已发送 sent, ${failed.length} 封失败 failed`);
    if (failed.length) {
      for (const f of failed) io.err(`邮件发送失败 mail failed: ${f.department ?? "office"} → ${f.to.join(", ")}: ${f.error}`);
      return 1;
    }
  }
  return 0;
}

export const command: Command = {
  summary: "按科室生成断链周报（HTML、Markdown、CSV、Excel），可发送邮件 / the broken-link report per department, optionally by mail",
  usage,
  run: (argv) => runReport(argv),
};
