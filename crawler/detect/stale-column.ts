// 栏目不更新: a column whose newest item is older than its update period (field notes: news 14 days, notices and
// policy 180, plans, personnel, budget and reports 365). A 年报 column without last year's report is a yearly
// deadline now (missed-deadline.ts).
import type { FindingDraft } from "../../shared/schema.js";
import type { ColumnWalk, CrawlData, DetectContext, Detector, ListItem } from "../types.js";
import { PageIndex, isListColumn, settingsFor, urlKey } from "./lib/columns.js";
import { daysBetween, publishedDate, todayIso, type DateEvidence } from "./lib/dates.js";
import { draft } from "./lib/finding.js";
import { clip } from "./lib/text.js";

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
    }
    return out;
  },
};
