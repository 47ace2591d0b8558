// 征求意见 → 意见采纳情况: once the final document of a draft put out for comment is published, the comments received and
// how they were used are published within 10 working days (Shanghai-area 政务公开工作要点). A `consultation`
// column's item naming 《X（征求意见稿）》, whose final 《X》 is published in a final-document column (default: the
// policy columns), with no item anywhere on the crawl (意见采纳情况, 反馈, 意见收集 …) naming 《X》 by the 10th working
// day after the final, is reported. Quiet while the 10 working days run, and while no final document is published.
import type { Column, FindingDraft } from "../../shared/schema.js";
import type { CrawlData, DetectContext, Detector, ListItem, PageRecord } from "../types.js";
import { PageIndex, urlKey } from "./lib/columns.js";
import { publishedDate, todayIso, type DateEvidence } from "./lib/dates.js";
import { draft } from "./lib/finding.js";
import { clip, squash, tidy } from "./lib/text.js";
import { addWorkdays } from "./lib/workdays.js";

export const FEEDBACK_WITHIN_WORKDAYS = 10;

/** Suffixes a draft's name carries: （征求意见稿）, 征求意见稿, （草案）, 送审稿 … */
const DRAFT_SUFFIX = /(?:[（(](?:修订)?(?:草案)?(?:征求意见稿|送审稿|草案|修订稿|讨论稿|意见稿)[）)]|(?:修订)?(?:草案)?(?:征求意见稿|送审稿|草案|讨论稿))$/;
/** A title that is about the comments: the feedback item itself. */
const FEEDBACK_WORDS = /意见采纳|采纳情况|意见反馈|反馈|意见收集|意见汇总|征求意见情况|意见建议(?:的)?(?:采纳|办理|处理)|采纳意见/;
/** A title that is a consultation, not a final document. */
const DRAFT_WORDS = /征求意见|意见稿|草案|送审稿|讨论稿|听证/;

/** A draft's name without its draft suffixes: 《X（征求意见稿）》 → X. */
export function draftName(name: string): string {
  let n = squash(name);
  for (let prev = ""; prev !== n; ) {
    prev = n;
    n = n.replace(DRAFT_SUFFIX, "");
  }
  return n;
}

/** The 《…》 names a title holds, draft suffixes removed (names shorter than 4 characters say too little). */
export function namesIn(title: string): string[] {
  return [...squash(title).matchAll(/《([^《》]+)》/g)].map((m) => draftName(m[1])).filter((n) => n.length >= 4);
}

function titleOf(record: PageRecord | undefined, item: ListItem): string {
  return tidy(record?.heading || record?.meta?.articletitle || item.title || record?.title || "");
}

interface Entry {
  column: Column;
  item: ListItem;
  title: string;
  date?: DateEvidence;
  /** The 《…》 names of its title, draft suffixes removed (worked out once: every draft looks through every entry). */
  names: string[];
  /** A consultation or draft, not a final document. */
  draftLike: boolean;
  /** A feedback item (意见采纳情况 …). */
  feedbackLike: boolean;
}

export const missingFeedback: Detector = {
  name: "missing-feedback",
  detect(data: CrawlData, ctx: DetectContext): FindingDraft[] {
    const consultations = data.columns.filter((w) => w.column.type === "consultation" && !w.error);
    if (!consultations.length) return [];
    const today = todayIso(ctx.now);
    const pages = new PageIndex(data.pages, data.checks);
    const entries: Entry[] = [];
    const seen = new Set<string>();
    for (const walk of data.columns) {
      if (walk.error) continue;
      for (const item of walk.items) {
        const record = pages.record(item.url);
        const key = `${walk.column.id} ${urlKey(item.url)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const title = titleOf(record, item);
        const t = squash(title);
        const names = namesIn(title);
        // Only entries naming a document need a date (finals and feedback): working it out is the costly part.
        const date = names.length || FEEDBACK_WORDS.test(t) || FEEDBACK_WORDS.test(squash(item.title)) ? publishedDate(record, item, today) : undefined;
        entries.push({ column: walk.column, item, title, date, names, draftLike: DRAFT_WORDS.test(t), feedbackLike: FEEDBACK_WORDS.test(t) });
      }
    }
    // Feedback may also be a page no list holds (linked from the draft or the final): every page's title counts.
    const feedbackTitles = [
      ...entries.map((e) => ({ title: [e.title, e.item.title].join(" "), date: e.date?.date, url: urlKey(e.item.url) })),
      ...data.pages
        .filter((p) => FEEDBACK_WORDS.test(squash([p.record.heading ?? "", p.record.title].join(" "))))
        .map((p) => ({ title: [p.record.heading ?? "", p.record.title].join(" "), date: publishedDate(p.record, undefined, today)?.date, url: urlKey(p.record.url) })),
    ].filter((f) => FEEDBACK_WORDS.test(squash(f.title)));

    const out: FindingDraft[] = [];
    for (const walk of consultations) {
      const col = walk.column;
      const finalIds = new Set(col.detectors?.finalColumns ?? data.config.columns.filter((c) => c.type === "policy").map((c) => c.id));
      const within = col.detectors?.feedbackWithinWorkdays ?? FEEDBACK_WITHIN_WORKDAYS;
      for (const d of entries.filter((e) => e.column.id === col.id)) {
        if (d.feedbackLike) continue; // the feedback item itself
        for (const name of new Set(d.names)) {
          const finals = entries.filter((e) => finalIds.has(e.column.id) && e.date && !e.draftLike && !e.feedbackLike && e.names.includes(name));
          if (!finals.length) continue; // no final document yet: nothing is due
          const final = finals.reduce((a, b) => (b.date!.date < a.date!.date ? b : a));
          const due = addWorkdays(final.date!.date, within);
          if (today <= due.date) continue; // the 10 working days are still running
          const named = feedbackTitles.filter((f) => namesIn(f.title).includes(name) || squash(f.title).includes(name));
          if (named.some((f) => !f.date || f.date <= due.date)) continue;
          out.push(
            draft({
              kind: "missing-feedback",
              reason: "consultation-feedback-missing",
              severity: "medium",
              column: col,
              pageUrl: urlKey(d.item.url),
              key: `consultation-feedback-missing:${name}`,
              message: `《${clip(name, 40)}》征求意见后，正式文件“${clip(final.title, 40)}”已于${final.date!.date}发布，应在${within}个工作日内（${due.date}前）公布意见收集和采纳情况，${named.length ? `但${named[0].date}才公布` : "至今未见"}。`,
              evidence: {
                draftTitle: d.title,
                name,
                final: { title: final.title, url: urlKey(final.item.url), published: final.date!.date, columnId: final.column.id },
                feedbackWithinWorkdays: within,
                feedbackDue: due.date,
                ...(due.approximate ? { approximate: true, workdayRule: "节假日数据未覆盖的年份按周一至周五计算 (Monday–Friday past chinese-days' data)" } : {}),
                lateFeedback: named.map((f) => ({ title: clip(f.title, 80), url: f.url, published: f.date })),
                finalColumns: [...finalIds],
              },
            }),
          );
        }
      }
    }
    return out;
  },
};
