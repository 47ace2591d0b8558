// 《政府信息公开条例》第二十六条: information for active disclosure is published within 20 working days of being made.
// A document page whose metadata table gives 成文日期 (or 印发日期) and 发布日期 further apart than that is reported;
// working days follow the State Council's holiday notices (chinese-days), Monday–Friday past its data (and the
// evidence says so). Only documents published within the last 12 months: older delays are history, not a duty.
import type { Column, FindingDraft } from "../../shared/schema.js";
import type { CrawlData, DetectContext, Detector, ListItem, PageRecord } from "../types.js";
import { PageIndex, isListColumn, urlKey } from "./lib/columns.js";
import { daysBetween, metadataValue, parseDate, todayIso } from "./lib/dates.js";
import { draft } from "./lib/finding.js";
import { clip, tidy } from "./lib/text.js";
import { workdaysBetween } from "./lib/workdays.js";

/** 条例 art. 26. */
export const PUBLISH_WITHIN_WORKDAYS = 20;
/** Only documents published within this many days are judged. */
const RECENT_DAYS = 365;

const MADE_LABELS = ["成文日期", "印发日期", "成文时间"];
const PUBLISHED_LABELS = ["发布日期", "发布时间", "公开日期", "公开时间"];
const PUBLISHED_META = ["pubdate", "publishdate", "firstpublishedtime"];

export interface PublicationDates {
  made: { date: string; label: string };
  published: { date: string; label: string };
}

/** 成文日期 and 发布日期 as the page states them (metadata table; PubDate or the list's date for publication). */
export function publicationDates(record: PageRecord, item?: ListItem): PublicationDates | undefined {
  const madeField = metadataValue(record, MADE_LABELS);
  const made = madeField && parseDate(madeField.value);
  if (!madeField || !made) return undefined;
  const pubField = metadataValue(record, PUBLISHED_LABELS);
  let published = pubField && parseDate(pubField.value) ? { date: parseDate(pubField.value)!, label: pubField.label } : undefined;
  if (!published)
    for (const k of PUBLISHED_META) {
      const d = parseDate(record.meta?.[k]);
      if (d) {
        published = { date: d, label: k };
        break;
      }
    }
  if (!published && item?.date && parseDate(item.date)) published = { date: parseDate(item.date)!, label: "列表日期" };
  if (!published) return undefined;
  return { made: { date: made, label: madeField.label }, published };
}

function limitFor(column: Column): number {
  return column.detectors?.publishWithinWorkdays ?? PUBLISH_WITHIN_WORKDAYS;
}

export const latePublication: Detector = {
  name: "late-publication",
  detect(data: CrawlData, ctx: DetectContext): FindingDraft[] {
    const today = todayIso(ctx.now);
    const pages = new PageIndex(data.pages, data.checks);
    const seen = new Set<string>();
    const out: FindingDraft[] = [];
    for (const walk of data.columns) {
      if (!isListColumn(walk.column) || walk.error) continue;
      for (const item of walk.items) {
        const record = pages.record(item.url);
        if (!record) continue;
        const key = urlKey(record.url);
        if (seen.has(key)) continue; // a document quoted into several columns is judged once, in the first
        seen.add(key);
        const dates = publicationDates(record, item);
        if (!dates) continue;
        const { made, published } = dates;
        // A 发布日期 before the 成文日期 or in the future is a typo, not a delay.
        if (published.date < made.date || published.date > today) continue;
        if (daysBetween(published.date, today) > RECENT_DAYS) continue;
        const limit = limitFor(walk.column);
        const { count, approximate } = workdaysBetween(made.date, published.date);
        if (count <= limit) continue;
        const title = tidy(record.heading || record.meta?.articletitle || item.title || record.title);
        out.push(
          draft({
            kind: "late-publication",
            reason: "published-late",
            severity: "medium",
            column: walk.column,
            pageUrl: key,
            message: `“${clip(title, 36)}”${made.label}为${made.date}，${published.label === "列表日期" ? "列表所示发布日期" : "发布日期"}为${published.date}，相隔${count}个工作日，超过《政府信息公开条例》第二十六条规定的${limit}个工作日。`,
            evidence: {
              title,
              made: made.date,
              madeLabel: made.label,
              published: published.date,
              publishedLabel: published.label,
              workdays: count,
              calendarDays: daysBetween(made.date, published.date),
              limitWorkdays: limit,
              workdayRule: approximate
                ? "chinese-days has no holiday data for part of this period: Monday–Friday counted there (节假日数据未覆盖的年份按周一至周五计算)"
                : "State Council holiday notices (chinese-days): holidays and 调休 workdays counted",
              ...(approximate ? { approximate: true } : {}),
            },
          }),
        );
      }
    }
    return out;
  },
};
