// Coverage: did the walk reach every item the column's list says it holds? A column whose stated count (共60条,
// totalRecord, 共4页 × page size) exceeds the items reached — whatever cut it short: no way of paging worked, the
// site states more than it lists, maxPagesPerColumn — or whose pagination was found but brought no new item, gets a
// finding for the office running gongkai (not the column's maintainer: the extension never shows these). Pure.
import type { FindingDraft } from "../../shared/schema.js";
import { strategyName } from "../extract/pagination-strategies.js";
import type { ColumnWalk, CrawlData, Detector } from "../types.js";
import { draft } from "./lib/finding.js";

/** Items of the column the walk reached (fetched or checked); the walk counts them, else its list entries. */
export function reachedOf(walk: ColumnWalk): number {
  return walk.coverage?.reached ?? walk.items.length;
}

function howText(walk: ColumnWalk): string {
  const c = walk.coverage!;
  const abandoned = c.abandoned?.length ? `；已放弃无效的翻页方式：${c.abandoned.map((a) => strategyName(a)).join("、")}` : "";
  return `翻页方式：${strategyName(c.how)}${abandoned}`;
}

export const coverage: Detector = {
  name: "coverage",
  detect(data: CrawlData): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const walk of data.columns) {
      const c = walk.coverage;
      if (!c || walk.error) continue;
      const reached = reachedOf(walk);
      const name = walk.column.name;
      const evidence = {
        listed: c.listed,
        reached,
        listPages: walk.listPages.length,
        how: c.how,
        howName: strategyName(c.how),
        ...(c.abandoned?.length ? { abandoned: c.abandoned } : {}),
        ...(walk.boundReason === "max-pages" ? { cutByMaxPagesPerColumn: data.config.crawl.maxPagesPerColumn } : {}),
      };
      if (c.listed !== null && reached < c.listed) {
        const cut = walk.boundReason === "max-pages" ? `（已达到每栏目 ${data.config.crawl.maxPagesPerColumn} 页的抓取上限）` : "";
        out.push(
          draft({
            kind: "coverage",
            reason: "items-unreached",
            severity: "medium",
            column: walk.column,
            pageUrl: walk.column.url,
            message:
              `栏目“${name}”的列表称共有 ${c.listed} 条信息，本次检查只访问到 ${reached} 条${cut}，` +
              `其余 ${c.listed - reached} 条未被检查（${howText(walk)}）。请核实这些信息能否从栏目列表翻页访问到。`,
            evidence,
          }),
        );
      } else if (c.paginationNotFollowed) {
        out.push(
          draft({
            kind: "coverage",
            reason: "pagination-not-followed",
            severity: "medium",
            column: walk.column,
            pageUrl: walk.column.url,
            message:
              `栏目“${name}”的列表有翻页，但按网站给出的翻页方式（${(c.abandoned ?? []).map((a) => strategyName(a)).join("、") || "翻页链接"}）` +
              `翻到的页面没有新的信息，本次只检查了 ${reached} 条。请核实该栏目的翻页是否正常。`,
            evidence,
          }),
        );
      }
    }
    return out;
  },
};

/**
 * The crawl summary's line for a list column, Chinese first: `政策文件 60/60（大汉 dataproxy）`, with the strategy
 * remembered from the last crawl and any abandoned on the way. Undefined for columns without coverage.
 */
export function coverageLine(walk: ColumnWalk): string | undefined {
  const c = walk.coverage;
  if (!c || walk.error) return undefined;
  const reached = reachedOf(walk);
  const notes = [strategyName(c.how)];
  if (c.remembered) notes.push("沿用上次的翻页方式 remembered");
  if (c.abandoned?.length) notes.push(`已放弃 abandoned ${c.abandoned.map((a) => strategyName(a)).join("、")}`);
  return `${walk.column.name} ${reached}/${c.listed ?? "未声明 not stated"}（${notes.join("，")}）`;
}
