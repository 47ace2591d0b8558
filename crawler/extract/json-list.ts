// List APIs behind script-built columns (issue #12): a page's own scripts fetch JSON like
// `{ data: { list: [{ id, title, url, publishTime }], total: 27, pageNo: 1, pageSize: 10 } }` (or gkmlpt's
// `{ articles: […], total, page_size }`) and draw the list from it. These pure helpers tell whether a JSON answer is
// such a list (records with a URL or id, a title and a date, plus a stated total or page count), what it states,
// and the URL of its page N — so the crawler can page through the API itself instead of clicking in a browser.
import { normalizeUrl } from "../../shared/url.js";
import type { ListItem } from "../types.js";
import { findDatesWithIndex } from "./dates.js";
import { collapse } from "./text.js";

/** What one answer of a list API holds. */
export interface ListApiAnswer {
  items: ListItem[];
  /** Records on this page (items plus those without a usable URL): the page size when none is stated. */
  records: number;
  /** Items the API says the whole list holds. */
  total?: number;
  /** Pages the API says the list has. */
  pages?: number;
  /** Page size the API states. */
  pageSize?: number;
}

const TITLE_KEYS = ["title", "name", "bt", "wjbt", "doctitle", "docTitle", "infoTitle", "articleTitle", "subject", "topic"];
const URL_KEYS = ["url", "link", "href", "path", "post_url", "docpuburl", "docPubUrl", "infoUrl", "articleUrl", "linkUrl", "pageUrl", "detailUrl"];
const ID_KEYS = ["id", "docId", "docid", "articleId", "infoId", "post_id", "contentId", "uuid"];
const DATE_KEYS = ["display_publish_time", "publish_time", "publishTime", "publishDate", "publish_date", "pubDate", "pubdate", "date",
  "docreltime", "docRelTime", "fbrq", "releaseTime", "time", "createTime", "created_at", "cwrq"];
const TOTAL_KEYS = ["total", "totalCount", "total_count", "totalRecord", "totalrecord", "totalRecords", "recordCount", "totalNum", "totalElements", "totalRow", "post_count", "count"];
const PAGES_KEYS = ["totalPage", "totalPages", "total_page", "pageCount", "page_count", "pages", "pageTotal"];
const SIZE_KEYS = ["pageSize", "page_size", "perPage", "per_page", "pagesize", "rows", "limit", "size"];

/** Query parameters naming a page number, and those naming a record offset, as list APIs spell them. */
const PAGE_PARAMS = ["page", "pageNo", "pageNum", "pageIndex", "pageindex", "pageno", "pagenum", "currentPage", "curPage", "current", "page_no", "pageNumber", "pn", "p"];
const OFFSET_PARAMS = ["start", "offset", "startrecord", "startRecord", "from", "begin", "skip"];

function pick(o: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null && o[k] !== "") return o[k];
  return undefined;
}

function count(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,9}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** A publish time as list APIs give it: epoch seconds or milliseconds (Beijing time), or a date string. */
export function apiDate(v: unknown): string | undefined {
  if (typeof v === "number" && v > 1e8) {
    const ms = v > 1e11 ? v : v * 1000;
    return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
  }
  if (typeof v === "string") return /^\d{9,13}$/.test(v) ? apiDate(Number(v)) : findDatesWithIndex(v)[0]?.date;
  return undefined;
}

interface Candidate {
  records: Record<string, unknown>[];
  holder: Record<string, unknown>;
  parents: Record<string, unknown>[];
}

/** The arrays of objects in `json` (to depth 4), each with the object holding it and that object's ancestors. */
function arraysOf(json: unknown): Candidate[] {
  const out: Candidate[] = [];
  const visit = (v: unknown, parents: Record<string, unknown>[], depth: number) => {
    if (depth > 4 || !v || typeof v !== "object") return;
    if (Array.isArray(v)) return;
    const o = v as Record<string, unknown>;
    for (const x of Object.values(o)) {
      if (Array.isArray(x)) {
        const records = x.filter((r): r is Record<string, unknown> => !!r && typeof r === "object" && !Array.isArray(r));
        if (records.length > 0 && records.length >= x.length / 2) out.push({ records, holder: o, parents });
      } else if (x && typeof x === "object") visit(x, [o, ...parents], depth + 1);
    }
  };
  if (Array.isArray(json)) {
    const records = json.filter((r): r is Record<string, unknown> => !!r && typeof r === "object" && !Array.isArray(r));
    if (records.length) out.push({ records, holder: {}, parents: [] });
  } else visit(json, [], 0);
  return out;
}

/** A stated number next to the list: in the object holding the array, or in one around it (`data.total`, `page.total`). */
function stated(c: Candidate, keys: string[]): number | undefined {
  for (const o of [c.holder, ...c.parents]) {
    const direct = count(pick(o, keys));
    if (direct !== undefined) return direct;
    // A sibling object of counts: `{ list: […], page: { total: 27 } }`, gkmlpt's `classify.post_count`.
    for (const v of Object.values(o)) {
      if (!v || typeof v !== "object" || Array.isArray(v)) continue;
      const inner = count(pick(v as Record<string, unknown>, keys));
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/**
 * The list a JSON answer holds, when it is one: an array of records most of which have a title, a URL or an id, and
 * a date, and a total or page count stated beside it. `undefined` for any other JSON (settings, a menu, a weather
 * widget). Records with an id but no URL become items only when `idUrl` says where an id's page is.
 */
export function readListApi(json: unknown, apiUrl: string, idUrl?: (id: string) => string | undefined): ListApiAnswer | undefined {
  let best: ListApiAnswer | undefined;
  for (const c of arraysOf(json)) {
    const total = stated(c, TOTAL_KEYS);
    const pages = stated(c, PAGES_KEYS);
    if (total === undefined && pages === undefined) continue;
    let listLike = 0;
    const items: ListItem[] = [];
    for (const r of c.records) {
      const rawTitle = pick(r, TITLE_KEYS);
      const href = pick(r, URL_KEYS);
      const id = pick(r, ID_KEYS);
      const date = apiDate(pick(r, DATE_KEYS));
      const title = typeof rawTitle === "string" ? collapse(rawTitle.replace(/<[^>]*>/g, "")) : "";
      const hasRef = typeof href === "string" || typeof id === "string" || typeof id === "number";
      if (title && hasRef && date) listLike++;
      let url: string | null | undefined = typeof href === "string" && href ? normalizeUrl(href, apiUrl) : undefined;
      if (!url && (typeof id === "string" || typeof id === "number") && idUrl) url = idUrl(String(id));
      if (!url || !title) continue;
      items.push(date ? { url, title, date } : { url, title });
    }
    // Most records must look like list entries: an array of menu links or tags is no list of documents.
    if (listLike === 0 || listLike < c.records.length / 2) continue;
    const answer: ListApiAnswer = { items: dedupe(items), records: c.records.length };
    if (total !== undefined) answer.total = total;
    if (pages !== undefined) answer.pages = pages;
    const size = stated(c, SIZE_KEYS);
    if (size !== undefined && size > 0) answer.pageSize = size;
    if (!best || answer.records > best.records) best = answer;
  }
  return best;
}

function dedupe(items: ListItem[]): ListItem[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.url) && !!seen.add(i.url));
}

/** How many pages a list API has: as stated, else its total over the page size (stated, else page 1's records). */
export function apiPageCount(first: ListApiAnswer): number | undefined {
  if (first.pages !== undefined) return first.pages;
  const size = first.pageSize ?? first.records;
  if (first.total === undefined || size <= 0) return undefined;
  return Math.max(1, Math.ceil(first.total / size));
}

/** How to ask a list API for page N: by a page-number parameter, or by a record offset. */
export type ApiPaging =
  | { kind: "page"; param: string; /** the number this API gives page 1 (0 or 1) */ first: number }
  | { kind: "offset"; param: string; /** the offset of page 1 */ first: number; size: number }
  | { kind: "path"; /** the URL cut at the page number: before + N + after */ before: string; after: string; first: number };

/**
 * How the API at `url` (an answer for its first page) is asked for other pages, from its own parameters:
 * a page number (`page=1`, `pageNo=1`, `pageIndex=0` …) or a record offset (`start=0` with a page size).
 */
export function apiPagingOf(url: string, pageSize: number): ApiPaging | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  for (const p of PAGE_PARAMS) {
    const v = u.searchParams.get(p);
    if (v !== null && /^[01]$/.test(v)) return { kind: "page", param: p, first: Number(v) };
  }
  for (const p of OFFSET_PARAMS) {
    const v = u.searchParams.get(p);
    if (v !== null && /^[01]$/.test(v) && pageSize > 0) return { kind: "offset", param: p, first: Number(v), size: pageSize };
  }
  return undefined;
}

/**
 * How the API is asked for other pages, from two of its URLs: `a` (the first page) and `b` (the page the site's own
 * pager asked for next, page 2). The one number that differs is the page number (it went up by 1) or the offset
 * (it went up by the page size).
 */
export function apiPagingFromPair(a: string, b: string, pageSize: number): ApiPaging | undefined {
  let ua: URL, ub: URL;
  try {
    ua = new URL(a);
    ub = new URL(b);
  } catch {
    return undefined;
  }
  if (ua.origin !== ub.origin) return undefined;
  if (ua.pathname === ub.pathname) {
    const keys = new Set([...ua.searchParams.keys(), ...ub.searchParams.keys()]);
    const changed = [...keys].filter((k) => ua.searchParams.get(k) !== ub.searchParams.get(k) && !/^(_|t|ts|timestamp|r|rand|random|callback)$/i.test(k));
    if (changed.length !== 1) return undefined;
    const k = changed[0];
    const va = ua.searchParams.get(k);
    const vb = Number(ub.searchParams.get(k));
    const na = va === null ? (vb === 2 || vb === 1 ? vb - 1 : 0) : Number(va);
    if (!Number.isInteger(na) || !Number.isInteger(vb)) return undefined;
    if (vb - na === 1) return { kind: "page", param: k, first: na };
    if (pageSize > 0 && vb - na === pageSize) return { kind: "offset", param: k, first: na, size: pageSize };
    return undefined;
  }
  // `/list/1.json` → `/list/2.json`: one number in the path went up by one.
  const sa = a.split(/(\d+)/);
  const sb = b.split(/(\d+)/);
  if (sa.length !== sb.length) return undefined;
  const diff = sa.map((x, i) => (x === sb[i] ? -1 : i)).filter((i) => i >= 0);
  if (diff.length !== 1 || diff[0] % 2 === 0) return undefined;
  const i = diff[0];
  if (Number(sb[i]) - Number(sa[i]) !== 1) return undefined;
  return { kind: "path", before: sa.slice(0, i).join(""), after: sa.slice(i + 1).join(""), first: Number(sa[i]) };
}

/** The URL of page `n` (1-based) of the API whose first page was asked at `firstUrl`. */
export function apiPageUrl(firstUrl: string, paging: ApiPaging, n: number): string {
  if (paging.kind === "path") return `${paging.before}${paging.first + n - 1}${paging.after}`;
  const u = new URL(firstUrl);
  const value = paging.kind === "page" ? paging.first + n - 1 : paging.first + (n - 1) * paging.size;
  u.searchParams.set(paging.param, String(value));
  return u.toString();
}

/** The form of page `n` of a list API asked by POST with `firstForm` for its first page (`pageNo=1&…` → `pageNo=n&…`). */
export function apiPageForm(firstForm: string, paging: ApiPaging, n: number): string {
  if (paging.kind === "path") return firstForm;
  const u = new URL(`http://form.invalid/?${firstForm}`);
  return apiPageUrl(u.toString(), paging, n).slice("http://form.invalid/?".length);
}

/**
 * Where an id's page is, learnt from the list the browser drew: the link of a drawn entry whose URL holds the id of
 * an API record (`/content/post_4711.html` for id 4711) gives the pattern for every other id.
 */
export function idUrlPattern(ids: string[], drawn: string[]): ((id: string) => string) | undefined {
  for (const id of ids) {
    if (!/^[\w-]{3,}$/.test(id)) continue;
    for (const url of drawn) {
      const at = url.lastIndexOf(id);
      if (at === -1) continue;
      const before = url.slice(0, at);
      const after = url.slice(at + id.length);
      // The id must stand alone in the URL (not the tail of a longer number).
      if (/[\w]$/.test(before) && /\d$/.test(before) && /^\d/.test(id)) continue;
      if (/^\w/.test(after) && /^\d/.test(after)) continue;
      return (x: string) => `${before}${x}${after}`;
    }
  }
  return undefined;
}

/** The ids of an API answer's records, to match against a drawn list (see idUrlPattern). */
export function recordIds(json: unknown): string[] {
  const out: string[] = [];
  for (const c of arraysOf(json)) {
    for (const r of c.records) {
      const id = pick(r, ID_KEYS);
      if (typeof id === "string" || typeof id === "number") out.push(String(id));
    }
  }
  return out;
}

/** A JSON answer a page's scripts fetched, parsed. */
export interface FetchedJson {
  url: string;
  json: unknown;
  /** The form POSTed to get it, when the script asked by POST. */
  form?: string;
}

export interface FoundListApi {
  url: string;
  form?: string;
  answer: ListApiAnswer;
  /** Where an id's page is, when the records name only ids (learnt from the drawn list). */
  idUrl?: (id: string) => string;
}

/**
 * The column's list API among the JSON a page fetched: the list answer sharing most items with the list the page drew
 * (a sidebar's "latest news" API is not the column's list), then the one holding most records.
 */
export function bestListAnswer(fetched: FetchedJson[], drawn: string[]): FoundListApi | undefined {
  let best: FoundListApi | undefined;
  let bestScore = -1;
  const shown = new Set(drawn);
  for (const { url, json, form } of fetched) {
    const idUrl = idUrlPattern(recordIds(json), drawn);
    const answer = readListApi(json, url, idUrl);
    if (!answer || answer.items.length === 0) continue;
    const score = answer.items.filter((i) => shown.has(i.url)).length * 100_000 + answer.records;
    if (score <= bestScore) continue;
    bestScore = score;
    best = { url, answer };
    if (form !== undefined) best.form = form;
    if (idUrl) best.idUrl = idUrl;
  }
  return best;
}

/**
 * The data of a JSON answer, or of a JSONP one (`jQuery1234_5678({…});`, as jQuery's $.getJSON with `callback=?`
 * fetches many list APIs); undefined when the text is neither.
 */
export function parseJsonText(text: string): unknown {
  const t = text.replace(/^\uFEFF/, "").trim();
  try {
    return JSON.parse(t);
  } catch {
    const m = /^(?:\/\*\*\/\s*)?[A-Za-z_$][\w$.]*\s*\(([\s\S]*)\)\s*;?$/.exec(t);
    if (!m) return undefined;
    try {
      return JSON.parse(m[1]);
    } catch {
      return undefined;
    }
  }
}
