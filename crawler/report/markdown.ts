// Markdown: the same content as the HTML report, as plain tables (for wikis, issue trackers, plain-text mail).
import type { Labels } from "./i18n.js";
import type { LinkRow, ReportModel } from "./model.js";
import { dateText, dayText, errorText, kindText, periodText } from "./text.js";

/** Escape Markdown and inline HTML so crawled text shows as text, on one line. */
export function mdText(s: string): string {
  return s.replace(/[\r\n]+/g, " ").replace(/[\\`*_[\]|<>#]/g, (c) => `\\${c}`);
}

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => (typeof c === "number" ? String(c) : c)).join(" | ")} |`;
  return [line(head.map(mdText)), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function linkTable(rows: LinkRow[], model: ReportModel, t: Labels, fixed = false): string {
  if (!rows.length) return `_${mdText(t.nothing)}_`;
  const h = t.th;
  const head = [h.index, h.foundAt, h.targetUrl, h.linkText, h.pageUrl, h.pageTitle, h.column, h.department, h.error, h.certainty, h.daysOpen, ...(fixed ? [h.fixedAt] : [])];
  return table(
    head,
    rows.map((r, i) => [
      i + 1,
      dayText(r.firstSeen, model),
      mdText(r.targetUrl),
      mdText(r.linkText),
      mdText(r.pageUrl),
      mdText(r.pageTitle),
      mdText(r.columnName),
      mdText(r.department),
      mdText(errorText(r, t)) +
        (r.state === "acknowledged" ? `（${mdText(t.rowState.acknowledged)}）` : "") +
        (r.reopenedCount > 0 ? `（${mdText(t.reopened(r.reopenedCount))}）` : ""),
      mdText(t.certainty[r.certainty]),
      r.daysOpen,
      ...(fixed ? [dayText(r.fixedAt, model)] : []),
    ]),
  );
}

export function renderMarkdown(model: ReportModel, t: Labels): string {
  const tot = model.totals;
  const out: string[] = [];
  out.push(`# ${mdText(model.siteName)} ${mdText(t.reportTitle)}`, "");
  const run = model.lastRun ? `${dateText(model.lastRun.startedAt, model)}（${t.crawlStatus[model.lastRun.status] ?? model.lastRun.status}）` : t.noCrawl;
  out.push(`${mdText(t.period)}：${periodText(model, t)} · ${mdText(t.lastCrawl)}：${mdText(run)} · ${mdText(t.generatedAt)}：${dateText(model.generatedAt, model)}`, "");
  if (model.lastRun && model.lastRun.status !== "complete") out.push(`> ${mdText(t.incompleteWarning)}`, "");
  out.push(`**${mdText(t.headline({ ...tot }))}**`, "");
  out.push(
    table(
      [t.cardNew, t.cardOpen, t.cardFixed, t.cardOther],
      [[tot.newCount, tot.open, tot.fixed, tot.other]],
    ),
    "",
  );
  out.push(`## ${mdText(t.summaryByDept)}`, "");
  out.push(
    table(
      [t.department, t.colNew, t.colStillOpen, t.colOpenTotal, t.colFixed, t.colOldest, t.colOther],
      model.departments.map((d) => {
        const open = d.newRows.length + d.stillOpenRows.length;
        return [mdText(d.department), d.newRows.length, d.stillOpenRows.length, open, d.fixedRows.length, open ? d.oldestDays : "—", d.otherRows.length];
      }),
    ),
    "",
    `_${mdText(t.certaintyNote)}_`,
    "",
  );
  out.push(`## ${mdText(t.trendTitle)}`, "");
  out.push(
    table(
      [t.department, ...model.weeks.map((w) => dayText(w, model).slice(5))],
      model.departments.filter((d) => d.trend.some((n) => n > 0)).map((d) => [mdText(d.department), ...d.trend]),
    ),
    "",
  );
  for (const d of model.departments) {
    out.push(`## ${mdText(d.department)}`, "");
    if (d.maintainers.length) out.push(`${mdText(t.maintainers)}：${d.maintainers.map((m) => `${mdText(m.name)}（${mdText(m.columns.join("、"))}）`).join("；")}`, "");
    const open = d.newRows.length + d.stillOpenRows.length;
    if (!open && !d.fixedRows.length && !d.otherRows.length) {
      out.push(mdText(t.deptClean), "");
      continue;
    }
    out.push(`### ${mdText(t.sectionNew)}（${d.newRows.length}）`, "", linkTable(d.newRows, model, t), "");
    out.push(`### ${mdText(t.sectionStillOpen)}（${d.stillOpenRows.length}）`, "", linkTable(d.stillOpenRows, model, t), "");
    out.push(`### ${mdText(t.sectionFixed)}（${d.fixedRows.length}）`, "", linkTable(d.fixedRows, model, t, true), "");
    if (d.otherRows.length) {
      const h = t.th;
      out.push(
        `### ${mdText(t.sectionOther)}（${d.otherRows.length}）`,
        "",
        table(
          [h.index, h.kind, h.column, h.pageTitle, h.pageUrlPlain, h.message, h.daysOpen],
          d.otherRows.map((r, i) => [i + 1, mdText(kindText(r.kind, t)), mdText(r.columnName), mdText(r.pageTitle), mdText(r.pageUrl), mdText(r.message), r.daysOpen]),
        ),
        "",
      );
    }
  }
  if (model.lastRun) {
    const h = t.th;
    out.push(`## ${mdText(t.sectionCoverage)}（${model.coverage.length}）`, "", `_${mdText(t.coverageNote)}_`, "");
    if (model.coverage.length)
      out.push(table([h.index, h.column, h.kind, h.message, h.pageUrlPlain], model.coverage.map((r, i) => [i + 1, mdText(r.columnName), mdText(t.reasons[r.reason] ?? r.reason), mdText(r.message), mdText(r.pageUrl)])), "");
    else out.push(mdText(t.coverageAll), "");
  }
  out.push("---", "", `_${mdText(t.footer)}_`, "");
  return out.join("\n");
}
