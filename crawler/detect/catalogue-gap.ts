// 标准目录 "一键查阅": every row (公开事项) of a `catalogue` column links straight to its content. Reported per row:
// no link at all (no-link), links only to columns that are empty by the 空白栏目 rules (links-empty), links only to
// broken pages (links-broken). A row with one good link is fine; a link the crawl could not judge keeps it quiet.
import type { Column, FindingDraft } from "../../shared/schema.js";
import type { CatalogueRow, CrawlData, DetectContext, Detector, LinkCheck, PageRecord } from "../types.js";
import { PageIndex, urlKey } from "./lib/columns.js";
import { draft } from "./lib/finding.js";
import { clip, squash } from "./lib/text.js";

type Verdict = "ok" | "empty" | "broken" | "unknown";

/** Text a list page shows around no items (the column's name, 共0条, a pager): below this, it holds nothing. */
const EMPTY_BODY_CHARS = 40;

interface Judged {
  url: string;
  verdict: Verdict;
  why: string;
}

function judgeLink(url: string, data: CrawlData, pages: PageIndex, emptyColumns: Map<string, Column>): Judged {
  const key = urlKey(url);
  const check: LinkCheck | undefined = data.checks.get(key);
  if (check?.outcome === "broken") return { url: key, verdict: "broken", why: `${check.reason ?? "broken"}${check.status ? ` (HTTP ${check.status})` : ""}` };
  const page = pages.get(key);
  if (page && (page.record.status < 200 || page.record.status >= 300)) return { url: key, verdict: "broken", why: `HTTP ${page.record.status}` };
  const empty = emptyColumns.get(key);
  if (empty) return { url: key, verdict: "empty", why: `空白栏目“${empty.name}” (empty column ${empty.id})` };
  const record: PageRecord | undefined = pages.record(key);
  if (!record) return { url: key, verdict: check?.outcome === "ok" ? "ok" : "unknown", why: check ? `link check: ${check.outcome}` : "not fetched" };
  if (record.emptyNotice && record.listItems.length === 0) return { url: key, verdict: "empty", why: "页面显示“暂无信息” (the page says it has no content)" };
  const body = squash(record.bodyText);
  if (record.listItems.length === 0 && record.pagination.length === 0 && !record.links.some((l) => l.attachment) && body.length < EMPTY_BODY_CHARS)
    return { url: key, verdict: "empty", why: `页面没有内容 (no items, ${body.length} characters of text)` };
  return { url: key, verdict: "ok", why: "has content" };
}

function finding(col: Column, row: CatalogueRow, index: number, reason: "no-link" | "links-empty" | "links-broken", judged: Judged[]): FindingDraft {
  const name = clip(row.name, 40);
  const message =
    reason === "no-link"
      ? `${col.name.includes("目录") ? "" : "标准目录"}“${col.name}”第${index + 1}行“${name}”没有链接到具体内容，请加上“一键查阅”链接。`
      : reason === "links-empty"
        ? `${col.name.includes("目录") ? "" : "标准目录"}“${col.name}”第${index + 1}行“${name}”链接的栏目没有内容（空白栏目），请发布该事项的信息或改正链接。`
        : `${col.name.includes("目录") ? "" : "标准目录"}“${col.name}”第${index + 1}行“${name}”链接的页面打不开，请改正链接。`;
  return draft({
    kind: "catalogue-gap",
    reason,
    severity: reason === "links-empty" ? "medium" : "high",
    column: col,
    pageUrl: urlKey(col.url),
    // The row's matter names the finding, so it keeps its id when rows are added above it.
    key: `${reason}:${squash(row.name)}`,
    ...(judged[0] ? { targetUrl: judged[0].url } : {}),
    linkText: row.links[0]?.text || row.name,
    message,
    evidence: { item: row.name, row: index + 1, links: judged.map((j) => ({ url: j.url, verdict: j.verdict, why: j.why })) },
  });
}

export const catalogueGap: Detector = {
  name: "catalogue-gap",
  detect(data: CrawlData, _ctx: DetectContext): FindingDraft[] {
    const pages = new PageIndex(data.pages, data.checks);
    // Configured columns with no items (and no failure): empty by empty-column's own judgement.
    const emptyColumns = new Map<string, Column>();
    for (const w of data.columns) if (!w.error && w.items.length === 0 && w.column.type !== "page" && w.column.type !== "other" && w.column.type !== "catalogue") emptyColumns.set(urlKey(w.column.url), w.column);
    const out: FindingDraft[] = [];
    for (const walk of data.columns) {
      const col = walk.column;
      if (col.type !== "catalogue" || walk.error) continue;
      const record = pages.record(walk.listPages[0] ?? col.url);
      const rows = record?.catalogueRows ?? [];
      rows.forEach((row, index) => {
        if (row.links.length === 0) {
          out.push(finding(col, row, index, "no-link", []));
          return;
        }
        const judged = row.links.map((l) => judgeLink(l.url, data, pages, emptyColumns));
        if (judged.some((j) => j.verdict === "ok" || j.verdict === "unknown")) return;
        out.push(finding(col, row, index, judged.some((j) => j.verdict === "empty") ? "links-empty" : "links-broken", judged));
      });
    }
    return out;
  },
};
