// 广东 gkmlpt (政府信息公开目录平台): list pages are empty shells filled in the browser from a JSON API,
// `/gkmlpt/api/all/<column>?page=N&sid=<site>`. These pure helpers tell the crawler which API URL to fetch and
// turn the API's answer into list items. The column id lives in the column URL's fragment (`/gkmlpt/index#721`),
// which normalised URLs drop: pass the column URL as configured. (A crawl finds the API from what the rendered page
// fetched, whatever its shape: see json-list.ts; these helpers name gkmlpt's own.)
import { normalizeUrl, parseHttpUrl } from "../../shared/url.js";
import type { ListItem } from "../types.js";
import { apiDate } from "./json-list.js";
import { collapse } from "./text.js";

export interface GkmlptList {
  columnId: string;
  sid: string;
  /** The API URL of list page `page` (1-based; the API answers page 0 and page 1 alike). */
  apiUrl: (page: number) => string;
}

/** When `pageUrl` is a gkmlpt column page (…/gkmlpt/index#721), where its list API lives. */
export function gkmlptList(html: string, pageUrl: string): GkmlptList | undefined {
  const u = parseHttpUrl(pageUrl);
  if (!u) return undefined;
  const at = u.pathname.indexOf("/gkmlpt/");
  if (at === -1 && !/gkmlpt/i.test(html.slice(0, 20000))) return undefined;
  const sid = /\bSID\s*["']?\s*[:=]\s*["']?(\d+)/.exec(html)?.[1] ?? u.searchParams.get("sid") ?? undefined;
  const columnId = /^#?(\d+)$/.exec(u.hash)?.[1] ?? /\/gkmlpt\/api\/all\/(\d+)/.exec(u.pathname)?.[1];
  if (!sid || !columnId) return undefined;
  const prefix = at === -1 ? "" : u.pathname.slice(0, at);
  return {
    columnId,
    sid,
    apiUrl: (page: number) => `${u.origin}${prefix}/gkmlpt/api/all/${columnId}?page=${page}&sid=${sid}`,
  };
}

/**
 * Items of one gkmlpt API answer, with the total the API states (`total` or `classify.post_count`) and how many
 * items this page held. The date is the displayed publish time, else the creation time.
 */
export function parseGkmlptApi(json: unknown, apiUrl: string): { items: ListItem[]; total?: number; pageSize: number } {
  const o = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
  const articles = Array.isArray(o.articles) ? o.articles : [];
  const items: ListItem[] = [];
  for (const a of articles) {
    if (!a || typeof a !== "object") continue;
    const r = a as Record<string, unknown>;
    const href = typeof r.url === "string" && r.url ? r.url : typeof r.post_url === "string" ? r.post_url : undefined;
    const title = typeof r.title === "string" ? collapse(r.title.replace(/<[^>]*>/g, "")) : "";
    const url = href ? normalizeUrl(href, apiUrl) : null;
    if (!url || !title) continue;
    const date = apiDate(r.display_publish_time) ?? apiDate(r.publish_time) ?? apiDate(r.created_at) ?? apiDate(r.date);
    items.push(date ? { url, title, date } : { url, title });
  }
  const classify = o.classify && typeof o.classify === "object" ? (o.classify as Record<string, unknown>) : {};
  const totalRaw = typeof o.total === "number" ? o.total : typeof classify.post_count === "number" ? classify.post_count : undefined;
  const out: { items: ListItem[]; total?: number; pageSize: number } = { items, pageSize: articles.length };
  if (totalRaw !== undefined) out.total = totalRaw;
  return out;
}
