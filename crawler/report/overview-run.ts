// `report --db postgres://…` without --site: every site's own report in OUT/<site.id>/ (the formats asked for),
// and the overview of all of them in OUT/overview.html and OUT/overview.xlsx; with --mail, each site whose config
// was given (--config, repeatable; matched by site.id) mails its departments as a single-site report does.
import path from "node:path";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { siteIdOf, type Config } from "../../shared/schema.js";
import { openStore } from "../store/index.js";
import { labelsFor } from "./i18n.js";
import { loadReportModel, writeReport, type ReportFormat, type ReportModel } from "./index.js";
import { buildOverview } from "./overview.js";
import { renderOverviewHtml } from "./overview-html.js";
import { renderOverviewXlsx } from "./overview-xlsx.js";

export interface OverviewReportOptions {
  dbUrl: string;
  outDir: string;
  formats: readonly ReportFormat[];
  language: "zh" | "en";
  since: Date;
  now: Date;
  configs: Config[];
  mail: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export async function runOverviewReport(o: OverviewReportOptions): Promise<number> {
  const configById = new Map(o.configs.map((c) => [siteIdOf(c.site), c]));
  const store = await openStore(o.dbUrl);
  const reports: { siteId: string; model: ReportModel }[] = [];
  try {
    const sites = await store.sites();
    if (!sites.length) o.err(`注意 note: 数据库中还没有抓取记录 the database holds no crawl yet: ${store.location}`);
    for (const site of sites) {
      const model = await loadReportModel(store.forSite(site.id), { since: o.since, now: o.now, config: configById.get(site.id) });
      reports.push({ siteId: site.id, model });
    }
  } finally {
    await store.close();
  }
  for (const { siteId, model } of reports) {
    const files = await writeReport(model, { outDir: path.join(o.outDir, siteId), formats: o.formats, language: o.language });
    const t = model.totals;
    o.out(`${siteId}: 新发现 new ${t.newCount} · 未修复 open ${t.open} · 本期已修复 fixed ${t.fixed} — ${path.resolve(path.dirname(files[0] ?? path.join(o.outDir, siteId, "x")))}`);
  }
  const overview = buildOverview(reports);
  const t = labelsFor(o.language);
  mkdirSync(o.outDir, { recursive: true });
  const written: string[] = [];
  if (o.formats.includes("html")) {
    const file = path.join(o.outDir, "overview.html");
    writeAtomic(file, renderOverviewHtml(overview, t, o.language));
    written.push(file);
  }
  if (o.formats.includes("xlsx")) {
    const file = path.join(o.outDir, "overview.xlsx");
    writeAtomic(file, await renderOverviewXlsx(overview, t, o.language));
    written.push(file);
  }
  const tot = overview.totals;
  o.out(`总览已生成 overview written (${tot.sites} 个网站 sites; 新发现 new ${tot.newCount} · 未修复 open ${tot.open} · 本期已修复 fixed ${tot.fixed}):`);
  for (const f of written) o.out(`  ${path.resolve(f)}`);

  if (!o.mail) return 0;
  const { sendReportMail } = await import("./mail.js");
  let failed = 0;
  for (const { siteId, model } of reports) {
    const config = configById.get(siteId);
    if (!config?.mail) {
      o.out(`${siteId}: 未给出含 mail 段的配置，不发送邮件 no config with a mail section given: no mail`);
      continue;
    }
    const results = await sendReportMail({ ...model }, { ...config, language: o.language }, { log: o.out });
    for (const r of results.filter((x) => !x.ok)) {
      failed++;
      o.err(`邮件发送失败 mail failed: ${siteId} ${r.department ?? "office"} → ${r.to.join(", ")}: ${r.error}`);
    }
  }
  return failed ? 1 : 0;
}
