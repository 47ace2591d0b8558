// 空白栏目: a list column with no items at all, 暂无信息 pages included. A column whose first page could not be
// fetched is a broken link, not an empty column, and is left to the link detectors.
import type { FindingDraft } from "../../shared/schema.js";
import type { CrawlData, DetectContext, Detector, PageRecord } from "../types.js";
import { PageIndex, isListColumn, urlKey } from "./lib/columns.js";
import { urlDate } from "./lib/dates.js";
import { draft } from "./lib/finding.js";

/**
 * Links on a list page that look like the column's own items (under its folder, detail-page shaped). Several of
 * them on a page where no item was extracted means the list was not understood (a script-built list, an unknown
 * template), not that the column is empty: stay quiet then.
 */
function itemLikeLinks(list: PageRecord, columnUrl: string): string[] {
  let folder: string;
  try {
    const u = new URL(columnUrl);
    folder = u.origin + u.pathname.replace(/[^/]*$/, "");
  } catch {
    return [];
  }
  const skip = new Set([urlKey(list.url), urlKey(list.finalUrl), ...list.pagination.map(urlKey)]);
  const found = new Set<string>();
  for (const l of list.links) {
    if ((l.tag !== "a" && l.tag !== "area") || !l.url || skip.has(l.url)) continue;
    if (!l.url.startsWith(folder)) continue;
    const path = l.url.slice(folder.length);
    const detailShaped = !!urlDate(l.url) || /(?:^|\/)(?:art_|t\d{8}_|content_|post_|\d{4,})[^/]*\.s?html?$/.test(path) || l.attachment;
    if (detailShaped) found.add(l.url);
  }
  return [...found];
}

export const emptyColumn: Detector = {
  name: "empty-column",
  detect(data: CrawlData, _ctx: DetectContext): FindingDraft[] {
    const pages = new PageIndex(data.pages, data.checks);
    const out: FindingDraft[] = [];
    for (const walk of data.columns) {
      const col = walk.column;
      if (!isListColumn(col) || walk.error || walk.items.length > 0) continue;
      const first = pages.get(walk.listPages[0] ?? col.url)?.record;
      if (first && (first.status < 200 || first.status >= 300)) continue; // a broken column page, reported as a link
      const notice = walk.listPages.some((u) => pages.get(u)?.record.emptyNotice);
      const lookalikes = first ? itemLikeLinks(first, col.url) : [];
      if (!notice && lookalikes.length >= 3) continue; // items we could not read are still items
      out.push(
        draft({
          kind: "empty-column",
          reason: "empty",
          severity: "high",
          column: col,
          pageUrl: urlKey(col.url),
          message: notice
            ? `栏目“${col.name}”页面显示“暂无信息”，没有任何内容，属于空白栏目，请发布应公开的信息或按规定撤并栏目。`
            : `栏目“${col.name}”的列表中没有任何信息，属于空白栏目，请发布应公开的信息或按规定撤并栏目。`,
          evidence: {
            items: 0,
            listPages: walk.listPages,
            emptyNotice: notice,
            ...(lookalikes.length ? { itemLikeLinks: lookalikes } : {}),
          },
        }),
      );
    }
    return out;
  },
};
