// 栏目不更新: a column whose newest item is older than its update period (field notes: news 14 days, notices and
// policy 180, plans, personnel, budget and reports 365), and a 年报 column without the annual report that
// 《政府信息公开条例》 art. 49 wants published by 31 January.
import type { FindingDraft } from "../../shared/schema.js";
import type { ColumnWalk, CrawlData, DetectContext, Detector, ListItem } from "../types.js";
import { PageIndex, isListColumn, settingsFor, urlKey } from "./lib/columns.js";
import { daysBetween, publishedDate, todayIso, type DateEvidence } from "./lib/dates.js";
import { draft } from "./lib/finding.js";
import { clip, squash } from "./lib/text.js";

const SOURCE_ZH: Record<DateEvidence["source"], string> = {
  metadata: "元数据表",
  meta: "页面meta标签",
  "record-published": "页面",
  "record-updated": "页面",
  body: "正文",
  list: "列表",
  url: "网址",
};

interface DatedItem {
  item: ListItem;
  date?: DateEvidence;
}

/**
 * True when the dated items are listed newest first (or nearly so). Lists are normally newest first; a walk cut
 * short on a list sorted oldest first never saw the newest items.
 */
function newestFirst(items: DatedItem[]): boolean {
  const dates = items.map((i) => i.date?.date).filter((d): d is string => !!d);
  if (dates.length < 2) return true;
  let down = 0;
  let up = 0;
  for (let i = 1; i < dates.length; i++) {
    if (dates[i] < dates[i - 1]) down++;
    else if (dates[i] > dates[i - 1]) up++;
  }
  return up <= down;
}

function notUpdated(walk: ColumnWalk, dated: DatedItem[], today: string, limit: number): FindingDraft | undefined {
  const col = walk.column;
  const withDates = dated.filter((d) => d.date);
  if (walk.boundHit && (withDates.length === 0 || !newestFirst(dated))) return undefined; // unsure: newest may lie past the bound
  const evidenceBase = {
    updateWithinDays: limit,
    today,
    items: dated.length,
    itemsWithDate: withDates.length,
    listPages: walk.listPages.length,
    ...(walk.boundHit ? { boundHit: walk.boundReason ?? true } : {}),
  };
  if (withDates.length === 0) {
    return draft({
      kind: "stale-column",
      reason: "not-updated",
      severity: "medium",
      column: col,
      pageUrl: urlKey(col.url),
      key: "not-updated",
      message: `栏目“${col.name}”的${dated.length}条信息都没有标注发布日期，按检查规则视为未更新，请补上发布日期或发布新信息。`,
      evidence: {
        ...evidenceBase,
        newestDate: null,
        note: "no item shows a publish date (list, URL, PubDate or metadata table); an item without a publish date counts as not updated",
        sample: dated.slice(0, 5).map((d) => ({ title: d.item.title, url: d.item.url })),
      },
    });
  }
  let newest = withDates[0];
  for (const d of withDates) if (d.date!.date > newest.date!.date) newest = d;
  const age = daysBetween(newest.date!.date, today);
  if (age <= limit) return undefined;
  return draft({
    kind: "stale-column",
    reason: "not-updated",
    severity: "high",
    column: col,
    pageUrl: urlKey(col.url),
    key: "not-updated",
    message: `栏目“${col.name}”最新一条信息“${clip(newest.item.title, 30)}”发布于${newest.date!.date}，已${age}天未更新，超过${limit}天的更新要求。`,
    evidence: {
      ...evidenceBase,
      newestDate: newest.date!.date,
      newestDateSource: `${SOURCE_ZH[newest.date!.source]}（${newest.date!.label}）`,
      newestItem: { title: newest.item.title, url: newest.item.url },
      ageDays: age,
    },
  });
}

const REPORT_WORDS = /年报|年度报告/;
const CN_YEAR_DIGITS = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/** True when a title names the annual report of `year` (2024年…年度报告, 二〇二四年…年报, 年报（2024）). */
export function namesAnnualReport(title: string, year: number): boolean {
  const t = squash(title);
  if (!REPORT_WORDS.test(t)) return false;
  const cn = [...String(year)].map((d) => CN_YEAR_DIGITS[+d]).join("");
  return new RegExp(`(?<!\\d)${year}(?!\\d)`).test(t) || t.includes(cn) || t.includes(cn.replace(/〇/g, "○")) || t.includes(cn.replace(/〇/g, "零"));
}

function annualReportMissing(walk: ColumnWalk, pages: PageIndex, today: string): FindingDraft | undefined {
  const col = walk.column;
  const s = settingsFor(col);
  const titlesOf = (item: ListItem): string[] => {
    const r = pages.record(item.url);
    return [item.title, r?.heading ?? "", r?.meta?.articletitle ?? "", r?.title ?? ""].filter(Boolean);
  };
  const isReportColumn =
    s.annualReport ??
    (col.type === "report" && (REPORT_WORDS.test(squash(col.name)) || walk.items.some((i) => titlesOf(i).some((t) => REPORT_WORDS.test(squash(t))))));
  if (!isReportColumn) return undefined;
  const year = +today.slice(0, 4);
  // Art. 49: last year's report by 31 January. Before that, the one due is the year before last.
  const deadlinePassed = today > `${year}-01-31`;
  const dueYear = deadlinePassed ? year - 1 : year - 2;
  const found = walk.items.find((i) => titlesOf(i).some((t) => namesAnnualReport(t, dueYear)));
  if (found) return undefined;
  if (walk.boundHit) return undefined; // the report may sit past the bound
  const yearsSeen = [...new Set(walk.items.flatMap((i) => titlesOf(i)).filter((t) => REPORT_WORDS.test(squash(t))).flatMap((t) => t.match(/(?:19|20)\d{2}/g) ?? []))].sort();
  return draft({
    kind: "stale-column",
    reason: "annual-report-missing",
    severity: "high",
    column: col,
    pageUrl: urlKey(col.url),
    key: `annual-report-missing:${dueYear}`,
    message: `栏目“${col.name}”中找不到${dueYear}年度政府信息公开工作年度报告，按《政府信息公开条例》第四十九条应在${dueYear + 1}年1月31日前公布。`,
    evidence: {
      expectedYear: dueYear,
      deadline: `${dueYear + 1}-01-31`,
      today,
      reportYearsListed: yearsSeen,
      items: walk.items.length,
      sample: walk.items.slice(0, 8).map((i) => i.title),
    },
  });
}

export const staleColumn: Detector = {
  name: "stale-column",
  detect(data: CrawlData, ctx: DetectContext): FindingDraft[] {
    const today = todayIso(ctx.now);
    const pages = new PageIndex(data.pages, data.checks);
    const out: FindingDraft[] = [];
    for (const walk of data.columns) {
      const col = walk.column;
      // A walk that failed is a broken link, and a column with no items is empty-column's business.
      if (!isListColumn(col) || walk.error || walk.items.length === 0) continue;
      const dated: DatedItem[] = walk.items.map((item) => ({ item, date: publishedDate(pages.record(item.url), item, today) }));
      const limit = settingsFor(col).updateWithinDays;
      if (limit !== undefined) {
        const f = notUpdated(walk, dated, today, limit);
        if (f) out.push(f);
      }
      const ar = annualReportMissing(walk, pages, today);
      if (ar) out.push(ar);
    }
    return out;
  },
};
