// Paging through a script-built list in the browser (columns with `javascript: true`, issue #12). The page's own
// scripts fetch the list, often from a JSON API: when one of the JSON answers it fetched is a list
// (extract/json-list.ts) and the URL of its page N can be told, the browser's work is done and the crawler asks the
// API itself (render.ts, through the Fetcher). Otherwise the pager is clicked like a person would — a link naming the
// page (`<a href="#" data-p=2>`, `javascript:goPage(2)`, `onclick="…(2)"`, a bare "2" in the pager), else a
// `<select>` page jumper, else 下一页 (or 加载更多, which adds to the list) — until a click brings no new item. A click that makes the page fetch its API
// again shows how the API is paged (the one number that changed), and the crawler switches to the API.
import type { Page } from "playwright";
import type { ListItem } from "../types.js";
import { apiPagingFromPair, apiPagingOf, bestListAnswer, parseJsonText, type ApiPaging, type FetchedJson, type FoundListApi, type ListApiAnswer } from "../extract/json-list.js";

/** A JSON answer the page's scripts fetched (recorded by the renderer's request routing). */
export interface JsonSeen {
  url: string;
  body: Buffer;
  /** The form the script POSTed to get it (a list API asked as a form). */
  form?: string;
}

export interface ApiFound {
  /** The URL the page asked for the list's first page. */
  firstUrl: string;
  /** …and the form it POSTed there, when it asked by POST (then the page number is in the form). */
  firstForm?: string;
  first: ListApiAnswer;
  paging: ApiPaging;
  /** Pages 1 … pagesDone were already asked (by the page's own scripts): never asked again. */
  pagesDone: number;
  /** Where a record's page is when the API gives only its id (learnt from the list the page drew). */
  idUrl?: (id: string) => string;
  /** Items of the API answers the page's scripts fetched (pages 1 … pagesDone), in case the drawn list missed some. */
  answered: ListItem[];
}

export interface DrivenList {
  /** The page as first drawn. */
  firstHtml: string;
  /** Items of each page the browser showed, page 1 first. */
  pages: ListItem[][];
  /** The list's JSON API, when the page fetched one and the URL of its page N can be told. */
  api?: ApiFound;
  /** How the pages beyond the first were (or are to be) had; undefined when the list has one page only. */
  how?: "json-api" | "js-pager";
}

export interface DriveOptions {
  /** JSON answers the page fetched so far; the renderer keeps appending to it. */
  json: JsonSeen[];
  /** List entries of the page as drawn now (the crawler's own list extraction of the rendered HTML). */
  itemsOf: (html: string) => ListItem[];
  maxPages: number;
  /** Longest wait for one click to change the page, in ms. */
  stepTimeoutMs: number;
  /** Stop clicking at this time (Date.now()): the browser is not kept past its budget. */
  deadline: number;
}

function parseJson(body: Buffer): unknown {
  return parseJsonText(body.toString("utf8"));
}

/** The list answer among the JSON the page fetched from `from` on (see bestListAnswer). */
function listAnswer(json: JsonSeen[], from: number, drawn: string[]): FoundListApi | undefined {
  const fetched: FetchedJson[] = [];
  for (const seen of json.slice(from)) {
    const data = parseJson(seen.body);
    if (data !== undefined) fetched.push(seen.form === undefined ? { url: seen.url, json: data } : { url: seen.url, json: data, form: seen.form });
  }
  return bestListAnswer(fetched, drawn);
}

/**
 * The request as one URL for working out its paging: a GET's URL, or for a form POST the form's fields as the query
 * (the page number is among them).
 */
function requestOf(api: FoundListApi): string {
  return api.form === undefined ? api.url : `http://form.invalid/?${api.form}`;
}

function found(api: FoundListApi): Pick<ApiFound, "firstUrl" | "firstForm" | "first" | "idUrl"> {
  const out: Pick<ApiFound, "firstUrl" | "firstForm" | "first" | "idUrl"> = { firstUrl: api.url, first: api.answer };
  if (api.form !== undefined) out.firstForm = api.form;
  if (api.idUrl) out.idUrl = api.idUrl;
  return out;
}

// Runs in the page: marks the control that leads to page `n` (data-gongkai-pager) and says what it is. A string,
// not a function, so that no compiler helper is serialised into the page.
const MARK_CONTROL = `(n) => {
  for (const e of document.querySelectorAll("[data-gongkai-pager]")) e.removeAttribute("data-gongkai-pager");
  const num = String(n);
  const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden"; };
  const inPager = (e) => { for (let x = e; x && x !== document.body; x = x.parentElement) { const c = (x.id || "") + " " + (typeof x.className === "string" ? x.className : ""); if (/page|pager|pagination|fenye|pagebar/i.test(c)) return true; } return false; };
  const disabled = (e) => e.hasAttribute("disabled") || /disabled|current|active/i.test(typeof e.className === "string" ? e.className : "");
  const controls = Array.from(document.querySelectorAll("a, button, input[type=button], [onclick], [data-p], [data-page]")).filter(visible);
  const callsN = new RegExp("\\\\(\\\\s*['\\"]?" + num + "['\\"]?\\\\s*[,)]");
  const mark = (e, kind, value) => { e.setAttribute("data-gongkai-pager", "1"); return { kind, value: value ?? null }; };
  for (const e of controls) {
    const dp = e.getAttribute("data-p") ?? e.getAttribute("data-page") ?? e.getAttribute("data-index") ?? e.getAttribute("data-num");
    if (dp === num) return mark(e, "number");
    const href = e.getAttribute("href") || "";
    const onclick = e.getAttribute("onclick") || "";
    if ((/^\\s*javascript:/i.test(href) && callsN.test(href)) || (onclick && callsN.test(onclick))) return mark(e, "number");
  }
  for (const e of controls) if ((e.textContent || "").trim() === num && inPager(e) && !disabled(e)) return mark(e, "number");
  for (const s of Array.from(document.querySelectorAll("select"))) {
    for (const o of Array.from(s.options)) {
      const t = o.text.replace(/\\s+/g, "");
      if (!o.selected && (o.value === num || t === num || t === "第" + num + "页")) return mark(s, "select", o.value);
    }
  }
  for (const e of controls) {
    const t = (e.textContent || e.getAttribute("value") || "").replace(/\\s+/g, "");
    if (/^(下一页|下页|后页|下一頁|>|›|»|next|nextpage|加载更多|点击加载更多|more)$/i.test(t) && !disabled(e)) return mark(e, "next");
  }
  return null;
}`;

/** What the list shows now, cheaply: every link target and the text length (a click that changes nothing keeps it). */
const SIGNATURE = `() => Array.from(document.querySelectorAll("a[href]")).map((a) => a.getAttribute("href")).join("\\n") + "|" + (document.body ? document.body.innerText.length : 0)`;

/** Act on the control that leads to page `n`; false when the page has none. */
async function goTo(page: Page, n: number, timeoutMs: number): Promise<boolean> {
  const control = (await page.evaluate(`(${MARK_CONTROL})(${n})`)) as { kind: "number" | "next" | "select"; value: string | null } | null;
  if (!control) return false;
  const before = (await page.evaluate(`(${SIGNATURE})()`)) as string;
  const target = page.locator("[data-gongkai-pager]").first();
  try {
    if (control.kind === "select") await target.selectOption(control.value ?? String(n), { timeout: timeoutMs });
    else await target.click({ timeout: timeoutMs });
  } catch {
    return false;
  }
  // The list is redrawn by script (or the page navigates): wait for the page to change, then for its fetches.
  await page.waitForFunction(`(${SIGNATURE})() !== ${JSON.stringify(before)}`, undefined, { timeout: timeoutMs }).catch(() => undefined);
  await page.waitForLoadState("networkidle", { timeout: timeoutMs }).catch(() => undefined);
  return true;
}

/**
 * Page through the list the page shows: find its JSON API, else click its pager until a click brings no new item.
 * `page` has been loaded and has settled.
 */
export async function driveList(page: Page, o: DriveOptions): Promise<DrivenList> {
  const firstHtml = await page.content();
  const firstItems = o.itemsOf(firstHtml);
  const out: DrivenList = { firstHtml, pages: [firstItems] };
  const drawn = () => out.pages.flat().map((i) => i.url);
  const api = listAnswer(o.json, 0, drawn());
  if (api) {
    const paging = apiPagingOf(requestOf(api), api.answer.pageSize ?? api.answer.records);
    if (paging) return { ...out, api: { ...found(api), paging, pagesDone: 1, answered: api.answer.items }, how: "json-api" };
  }
  const seen = new Set(firstItems.map((i) => i.url));
  for (let n = 2; n <= o.maxPages && Date.now() < o.deadline; n++) {
    const jsonBefore = o.json.length;
    if (!(await goTo(page, n, o.stepTimeoutMs))) break;
    const items = o.itemsOf(await page.content());
    const fresh = items.filter((i) => !seen.has(i.url));
    if (api) {
      // The page asked its API for page n: the number that changed tells how to ask for every other page.
      const next = listAnswer(o.json, jsonBefore, drawn());
      const paging = next && (api.form === undefined || next.url === api.url) && apiPagingFromPair(requestOf(api), requestOf(next), api.answer.pageSize ?? api.answer.records);
      if (paging && next.answer.items.length > 0) {
        out.pages.push(items);
        const answered = [...api.answer.items, ...next.answer.items];
        return { ...out, api: { ...found(api), paging, pagesDone: n, answered }, how: "json-api" };
      }
    }
    if (fresh.length === 0) break; // the click brought nothing new: the end of the list (or a pager we cannot drive)
    for (const i of fresh) seen.add(i.url);
    out.pages.push(items);
  }
  if (out.pages.length > 1) out.how = "js-pager";
  return out;
}
