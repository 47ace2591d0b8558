// Which ways to the rest of a column's items a list page offers, in order of confidence, and how many items the
// page says the column holds. Pure: the walk (crawl/paginate.ts) tries the offers one after another and keeps the
// first whose next page brings new items.
//
// Order of confidence: a CMS's own page script (TRS createPageHTML / countPage) names every page exactly; a Hanweb
// `?uid=&pageNum=` page is a plain GET but many Hanweb servers answer it with page 1 every time; the jpage proxy
// (dataproxy.jsp, POST with the pager's form fields) is what the browser itself asks; pager links come last.
import type { CheerioAPI } from "cheerio";
import { normalizeUrl, parseHttpUrl } from "../../shared/url.js";
import type { PagingOffer, PagingRequest, PagingStrategy, StatedCount } from "../types.js";
import { pagePattern, pagerText, paginationGroups, statedTotal } from "./pagination.js";

/** Strategies in order of confidence (lower index: tried first). */
export const STRATEGY_ORDER: PagingStrategy[] = ["trs-createPageHTML", "trs-countPage", "hanweb-pagenum", "hanweb-dataproxy", "pager-links"];

/** Chinese name first (as the crawl summary shows it), then English. */
export const STRATEGY_NAMES: Record<string, { zh: string; en: string }> = {
  "single-page": { zh: "单页", en: "single page" },
  "trs-createPageHTML": { zh: "TRS createPageHTML", en: "TRS createPageHTML" },
  "trs-countPage": { zh: "TRS countPage", en: "TRS countPage" },
  "hanweb-pagenum": { zh: "大汉 pageNum", en: "Hanweb pageNum" },
  "hanweb-dataproxy": { zh: "大汉 dataproxy", en: "Hanweb dataproxy" },
  "pager-links": { zh: "翻页链接", en: "pager links" },
  "json-api": { zh: "JSON 接口", en: "JSON API" },
  "js-pager": { zh: "脚本翻页", en: "script pager" },
  none: { zh: "未能翻页", en: "not followed" },
};

/** A strategy's display name, Chinese first: `大汉 dataproxy`. Unknown names are shown as they are. */
export function strategyName(how: string, lang: "zh" | "en" = "zh"): string {
  return STRATEGY_NAMES[how]?.[lang] ?? how;
}

/** Request key: one page of one strategy (a POST's form is part of what is asked). */
export function requestKey(r: PagingRequest): string {
  return r.method === "POST" ? `POST ${r.url}\u0000${r.form ?? ""}` : r.url;
}

function num(re: RegExp, s: string): number | undefined {
  const m = re.exec(s);
  return m ? Number(m[1]) : undefined;
}

/** The jpage settings of a Hanweb list page: records in all, per page, per proxy request (groupSize pages). */
function jpageSettings(html: string): { total?: number; perPage?: number; groupSize: number } {
  return {
    total: num(/totalRecord\s*(?:[:=]\s*["']?|>\s*)(\d+)/i, html),
    perPage: num(/perPage\s*(?:[:=]\s*["']?|>\s*)(\d+)/i, html),
    groupSize: num(/groupSize\s*[:=]\s*["']?(\d+)/i, html) ?? 3,
  };
}

const RANGE_PARAMS = new Set(["startrecord", "endrecord", "perpage"]);

/**
 * Hanweb jpage's proxy: `<nextgroup>` carries `dataproxy.jsp?…` with the column's fields, or the jpage call names
 * `proxyUrl`. Records the page already holds are not asked again: the requests cover records+1 … totalRecord in
 * chunks of perPage × groupSize, POSTed with the fields as the form (as jpage asks).
 */
export function hanwebProxyRequests(html: string, pageUrl: string, recordsOnPage: number): PagingRequest[] {
  const next = /<nextgroup[^>]*>\s*(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?\s*<\/nextgroup>/i.exec(html)?.[1];
  const nextHref = next ? (/href\s*=\s*["']([^"']+)["']/i.exec(next)?.[1] ?? (/dataproxy/i.test(next) ? next.trim() : undefined)) : undefined;
  const proxy = /proxyUrl\s*:\s*["']([^"']+)["']/i.exec(html)?.[1];
  const raw = nextHref ?? proxy;
  if (!raw) return [];
  const u = parseHttpUrl(normalizeUrl(raw.replace(/&amp;/g, "&"), pageUrl) ?? "");
  if (!u || u.host !== parseHttpUrl(pageUrl)?.host) return [];
  const { total, perPage, groupSize } = jpageSettings(html);
  if (!total || !perPage || perPage <= 0 || recordsOnPage >= total) return [];
  const form = new URLSearchParams();
  for (const [k, v] of u.searchParams) if (!RANGE_PARAMS.has(k.toLowerCase())) form.append(k, v);
  const endpoint = `${u.origin}${u.pathname}`;
  const chunk = perPage * Math.max(1, groupSize);
  const out: PagingRequest[] = [];
  for (let start = recordsOnPage + 1; start <= total && out.length < 2000; start += chunk) {
    const end = Math.min(total, start + chunk - 1);
    out.push({ url: `${endpoint}?startrecord=${start}&endrecord=${end}&perpage=${perPage}`, method: "POST", form: form.toString() });
  }
  return out;
}

/**
 * How many items (and pages) the list says the column holds: 共60条 / 共 60 条记录, `totalRecord`, `<totalrecord>`,
 * TRS createPageHTML's record count (its 6th argument), 共4页 / 1/4, countPage.
 */
export function statedCount(html: string, $: CheerioAPI): StatedCount {
  const out: StatedCount = {};
  const text = pagerText($);
  const items =
    num(/totalRecord\s*(?:[:=]\s*["']?|>\s*)(\d+)/i, html) ??
    num(/createPageHTML\s*\(\s*["'][^"']*["']\s*,\s*\d+\s*,\s*\d+\s*,\s*["'][^"']*["']\s*,\s*["'][^"']*["']\s*,\s*(\d+)\s*\)/, html) ??
    num(/共\s*(\d{1,7})\s*条/, text) ??
    num(/共\s*(?:<[^>]{0,80}>\s*)?(\d{1,7})\s*(?:<[^>]{0,80}>\s*)?条/, html);
  if (items !== undefined) out.items = items;
  const trs = /createPageHTML\s*\(\s*(?:["'][^"']*["']\s*,\s*)?(\d{1,5})\s*,/.exec(html);
  const pages = trs ? Number(trs[1]) : (num(/\bcountPage\s*=\s*(\d{1,5})\b/, html) ?? statedTotal(text));
  if (pages !== undefined) out.pages = pages;
  const per = num(/perPage\s*(?:[:=]\s*["']?|>\s*)(\d+)/i, html) ?? num(/["']?(?:page_size|pageSize)["']?\s*[:=]\s*(\d{1,4})\b/, html);
  if (per !== undefined) out.perPage = per;
  return out;
}

/**
 * Every way this list page offers to the column's other items, most trusted first. Requests are absolute; the
 * current page is never among them. (A JSON list API is paged by the browser path, crawl/render.ts.)
 */
export function pagingOffers(html: string, $: CheerioAPI, pageUrl: string, recordsOnPage: number): PagingOffer[] {
  const offers: PagingOffer[] = [];
  for (const g of paginationGroups(html, $, pageUrl, recordsOnPage)) offers.push({ strategy: g.strategy, requests: g.urls.map((url) => ({ url })) });
  if (/dataproxy|proxyUrl|<nextgroup/i.test(html)) {
    const requests = hanwebProxyRequests(html, pageUrl, recordsOnPage);
    if (requests.length) offers.push({ strategy: "hanweb-dataproxy", requests });
  }
  const rank = (s: PagingStrategy) => STRATEGY_ORDER.indexOf(s);
  return offers.sort((a, b) => rank(a.strategy) - rank(b.strategy));
}

/** A list page's paging facts for its PageRecord: the offers, the plain GET pages among them, the stated count. */
export function listPaging(html: string, $: CheerioAPI, pageUrl: string, recordsOnPage: number): { paging: PagingOffer[]; pagination: string[]; stated?: StatedCount } {
  const paging = pagingOffers(html, $, pageUrl, recordsOnPage);
  const urls = new Set<string>();
  for (const o of paging) for (const r of o.requests) if (!r.method) urls.add(r.url);
  const order = (u: string) => pagePattern(u)?.n ?? -1;
  const pagination = [...urls].sort((a, b) => order(a) - order(b));
  if (recordsOnPage === 0 && paging.length === 0) return { paging, pagination };
  const stated = statedCount(html, $);
  return Object.keys(stated).length ? { paging, pagination, stated } : { paging, pagination };
}
