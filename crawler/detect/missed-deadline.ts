// Yearly items a column must hold from a date on (contract, Round 2, `yearly`): the 重大行政决策事项目录 of the year
// by 31 March (the yearly 政务公开工作要点), last year's 政府信息公开工作年度报告 by 31 January (《条例》第四十九条).
// The due date itself is still in time ("by 31 March"); from the next day the item is missing. Before this year's
// due date, last year's item is the one that must be there.
import { DEFAULT_YEARLY, type Column, type FindingDraft, type Yearly } from "../../shared/schema.js";
import type { ColumnWalk, CrawlData, DetectContext, Detector, ListItem } from "../types.js";
import { PageIndex, settingsFor, urlKey } from "./lib/columns.js";
import { addDays, daysBetween, todayIso } from "./lib/dates.js";
import { draft } from "./lib/finding.js";
import { clip, squash } from "./lib/text.js";

const REPORT_WORDS = /年报|年度报告/;
const CN_YEAR_DIGITS = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/** Titles a yearly item is also known by: 年报 for the annual report, 决策目录 without 事项. */
const ALIASES: Record<string, RegExp> = {
  政府信息公开工作年度报告: /年报|年度报告/,
  重大行政决策事项目录: /重大行政决策(?:事项)?(?:目录|清单)/,
};

/** True when a title names `year` (2024, 二〇二四, 二○二四, 二零二四) as a year of its own, not inside a longer number. */
export function namesYear(title: string, year: number): boolean {
  const t = squash(title);
  const cn = [...String(year)].map((d) => CN_YEAR_DIGITS[+d]).join("");
  return new RegExp(`(?<!\\d)${year}(?!\\d)`).test(t) || t.includes(cn) || t.includes(cn.replace(/〇/g, "○")) || t.includes(cn.replace(/〇/g, "零"));
}

/** True when a title names the yearly item `title` of `year`. */
export function namesYearlyItem(itemTitle: string, title: string, year: number): boolean {
  const t = squash(itemTitle);
  const wanted = squash(title);
  return (t.includes(wanted) || !!ALIASES[wanted]?.test(t)) && namesYear(t, year);
}

/** The yearly rule a column has: its own `yearly`, else its type's default (a report column only when it is about 年报). */
export function yearlyRule(walk: ColumnWalk, titlesOf: (item: ListItem) => string[]): Required<Yearly> | undefined {
  const col = walk.column;
  if (col.yearly) return { year: "current", ...col.yearly };
  const s = settingsFor(col);
  if (s.annualReport === false) return undefined;
  if (s.annualReport === true) return DEFAULT_YEARLY.report;
  if (col.type === "decisions") return DEFAULT_YEARLY.decisions;
  if (col.type === "report" && (REPORT_WORDS.test(squash(col.name)) || walk.items.some((i) => titlesOf(i).some((t) => REPORT_WORDS.test(squash(t))))))
    return DEFAULT_YEARLY.report;
  return undefined;
}

export interface YearlyDue {
  /** The year the item must name. */
  itemYear: number;
  /** The due date of that item, ISO. */
  due: string;
}

/** The item due by today: this year's once its due date has passed, else last year's. */
export function yearlyDue(rule: Required<Yearly>, today: string): YearlyDue {
  const year = +today.slice(0, 4);
  const cycle = today > `${year}-${rule.due}` ? year : year - 1;
  return { itemYear: rule.year === "previous" ? cycle - 1 : cycle, due: `${cycle}-${rule.due}` };
}

function missing(col: Column, walk: ColumnWalk, rule: Required<Yearly>, due: YearlyDue, today: string, titlesOf: (item: ListItem) => string[]): FindingDraft {
  const since = addDays(due.due, 1);
  const what = `${due.itemYear}年${rule.title}`;
  const yearsSeen = [
    ...new Set(
      walk.items
        .flatMap((i) => titlesOf(i))
        .filter((t) => squash(t).includes(squash(rule.title)) || !!ALIASES[squash(rule.title)]?.test(squash(t)))
        .flatMap((t) => t.match(/(?:19|20)\d{2}/g) ?? []),
    ),
  ].sort();
  return draft({
    kind: "missed-deadline",
    reason: "yearly-item-missing",
    severity: "high",
    column: col,
    pageUrl: urlKey(col.url),
    key: `yearly-item-missing:${squash(rule.title)}:${due.itemYear}`,
    message: `栏目“${col.name}”中找不到${what}，应于${due.due}前公布，自${since}起已逾期${daysBetween(since, today) + 1}天，请尽快发布。`,
    evidence: {
      missing: what,
      title: rule.title,
      expectedYear: due.itemYear,
      deadline: due.due,
      overdueSince: since,
      today,
      rule: { due: rule.due, title: rule.title, year: rule.year },
      ruleSource: col.yearly ? "config" : "default",
      yearsListed: yearsSeen,
      items: walk.items.length,
      sample: walk.items.slice(0, 8).map((i) => clip(i.title, 60)),
    },
  });
}

export const missedDeadline: Detector = {
  name: "missed-deadline",
  detect(data: CrawlData, ctx: DetectContext): FindingDraft[] {
    const today = todayIso(ctx.now);
    const pages = new PageIndex(data.pages, data.checks);
    const titlesOf = (item: ListItem): string[] => {
      const r = pages.record(item.url);
      return [item.title, r?.heading ?? "", r?.meta?.articletitle ?? "", r?.title ?? ""].filter(Boolean);
    };
    const out: FindingDraft[] = [];
    for (const walk of data.columns) {
      // A walk that failed is a broken link; a walk cut short may hold the item past its bound.
      if (walk.error || walk.boundHit) continue;
      const rule = yearlyRule(walk, titlesOf);
      if (!rule) continue;
      const due = yearlyDue(rule, today);
      if (walk.items.some((i) => titlesOf(i).some((t) => namesYearlyItem(t, rule.title, due.itemYear)))) continue;
      out.push(missing(walk.column, walk, rule, due, today, titlesOf));
    }
    return out;
  },
};
