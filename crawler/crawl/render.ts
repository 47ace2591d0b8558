// Columns whose list pages are built by script (gkmlpt JSON APIs, Hanweb jpage, …) are rendered in a real browser:
// Crawlee's PlaywrightCrawler driving the system Chromium. Every request the browser makes is routed through our
// Fetcher (page.route), so robots.txt, the address rules, the User-Agent, the retries and — above all — the one
// per-host limit hold for the browser too, and what it fetched counts as checked (no second request).
// Images, fonts, media and stylesheets are not fetched: they never carry list entries.
// A list column's start page is also paged through (renderList): the JSON its scripts fetch is recorded, and when it
// is the list's API the remaining pages are asked from the API directly — plain fetches through the same Fetcher,
// each page once — without the browser; otherwise the pager is clicked (js-pager.ts).
import { chromium } from "playwright";
import { Configuration, PlaywrightCrawler, log as crawleeLog } from "crawlee";
import { normalizeUrl } from "../../shared/url.js";
import type { LinkCheck, PageRecord } from "../types.js";
import type { Fetcher, FetchOutcome } from "./fetcher.js";
import { PRIORITY } from "./limiter.js";
import type { JsRenderer, RenderedList } from "./walk.js";
import { driveList, type DrivenList, type JsonSeen } from "./js-pager.js";
import { apiPageCount, apiPageForm, apiPageUrl, parseJsonText, readListApi } from "../extract/json-list.js";
import type { ListItem, StatedCount } from "../types.js";
import { classify, headerValue } from "../check/classify.js";
import type { LinkChecker } from "../check/checker.js";

export const CHROMIUM_PATH = process.env.GONGKAI_CHROMIUM ?? "/usr/bin/chromium";

export interface RendererOptions {
  fetcher: Fetcher;
  checker: LinkChecker;
  extract: (input: { url: string; finalUrl: string; status: number; contentType?: string; html: string }) => PageRecord;
  now: () => Date;
  timeoutSecs: number;
  maxBodyBytes: number;
  userAgent: string;
}

const SKIPPED_TYPES = new Set(["image", "media", "font", "stylesheet", "imageset", "texttrack", "manifest"]);
const HOP_HEADERS = new Set(["content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"]);

interface Rendered {
  record?: PageRecord;
  check: LinkCheck;
  driven?: DrivenList;
}

interface Pending {
  url: string;
  resolve: (r: Rendered) => void;
  document?: FetchOutcome;
  /** Page through the list (renderList), at most this many pages. */
  list?: { maxPages: number };
  /** JSON answers the page's scripts fetched, in order. */
  json: JsonSeen[];
}

/** API pages asked at once when paging a list API directly (the Fetcher's per-host limit still holds). */
const API_BATCH = 4;

export class PlaywrightRenderer implements JsRenderer {
  private crawler: PlaywrightCrawler;
  private pending = new Map<string, Pending>();
  private running: Promise<unknown>;
  private seq = 0;

  constructor(private readonly o: RendererOptions) {
    crawleeLog.setLevel(crawleeLog.LEVELS.ERROR);
    const config = new Configuration({ persistStorage: false, purgeOnStart: true, headless: true });
    this.crawler = new PlaywrightCrawler(
      {
        keepAlive: true,
        maxConcurrency: 2,
        maxRequestRetries: 0,
        useSessionPool: false,
        persistCookiesPerSession: false,
        navigationTimeoutSecs: o.timeoutSecs * 2,
        // A list paged by clicking takes a step per page (driveList keeps to a deadline inside this).
        requestHandlerTimeoutSecs: Math.max(120, o.timeoutSecs * 40),
        browserPoolOptions: { useFingerprints: false },
        launchContext: {
          launcher: chromium,
          userAgent: o.userAgent,
          launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] },
        },
        preNavigationHooks: [
          async ({ page, request }) => {
            const p = this.pending.get(request.userData.key as string);
            await page.route("**/*", async (route) => {
              const req = route.request();
              // A script's form POST for data (a list API asked as a form) goes through; any other POST does not.
              const form = formPost(req.method(), req.resourceType(), req.headers()["content-type"], req.postData());
              if (SKIPPED_TYPES.has(req.resourceType()) || (req.method() !== "GET" && form === undefined)) return route.abort("blockedbyclient");
              const url = normalizeUrl(req.url());
              if (!url) return route.abort("blockedbyclient");
              const isDocument = req.isNavigationRequest() && req.frame() === page.mainFrame();
              const out = await this.o.fetcher.fetch(url, {
                method: form === undefined ? "GET" : "POST",
                ...(form === undefined ? {} : { form }),
                priority: PRIORITY.walk,
                bodyLimit: () => this.o.maxBodyBytes,
              });
              if (isDocument && p) p.document = out;
              // A POST's answer is no link check of its URL (a link is followed with GET).
              else if (form === undefined && !this.o.checker.has(url)) this.o.checker.record(url, classify({ outcome: out, checkedAt: this.o.now().toISOString() }));
              if (out.status === undefined || out.error || out.blocked || out.redirectProblem) return route.abort("failed");
              if (p && out.body && isDataRequest(req.resourceType(), url) && looksJson(out.body, headerValue(out.headers, "content-type")))
                p.json.push(form === undefined ? { url, body: out.body } : { url, body: out.body, form });
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(out.headers ?? {})) {
                if (v === undefined || HOP_HEADERS.has(k)) continue;
                headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
              }
              return route.fulfill({ status: out.status, headers, body: out.body ?? Buffer.alloc(0) });
            });
          },
        ],
        requestHandler: async ({ page, request }) => {
          const p = this.pending.get(request.userData.key as string);
          if (!p) return;
          await page.waitForLoadState("networkidle", { timeout: this.o.timeoutSecs * 1000 }).catch(() => undefined);
          const doc = p.document;
          const extractAt = (html: string) =>
            this.o.extract({ url: p.url, finalUrl: doc?.finalUrl ?? p.url, status: doc?.status ?? 200, contentType: headerValue(doc?.headers, "content-type"), html });
          let driven: DrivenList | undefined;
          if (p.list && doc?.status !== undefined && doc.status >= 200 && doc.status < 300) {
            driven = await driveList(page, {
              json: p.json,
              itemsOf: (html) => extractAt(html).listItems,
              maxPages: p.list.maxPages,
              stepTimeoutMs: this.o.timeoutSecs * 1000,
              deadline: Date.now() + (Math.max(120, this.o.timeoutSecs * 40) - this.o.timeoutSecs * 3) * 1000,
            }).catch(() => undefined);
          }
          const html = driven?.firstHtml ?? (await page.content());
          const status = doc?.status ?? 200;
          const record = this.o.extract({
            url: p.url,
            finalUrl: doc?.finalUrl ?? p.url,
            status,
            contentType: headerValue(doc?.headers, "content-type"),
            html,
          });
          this.settle(request.userData.key as string, {
            record,
            check: doc
              ? classify({ outcome: doc, checkedAt: this.o.now().toISOString(), page: { title: record.title, text: record.bodyText, anchors: record.anchors } })
              : this.failed(p.url, "rendered without a document response"),
            driven,
          });
        },
        failedRequestHandler: async ({ request }, error) => {
          const key = request.userData.key as string;
          const p = this.pending.get(key);
          if (!p) return;
          this.settle(key, {
            check: p.document ? classify({ outcome: p.document, checkedAt: this.o.now().toISOString() }) : this.failed(p.url, String(error?.message ?? error)),
          });
        },
      },
      config,
    );
    this.running = this.crawler.run().catch(() => undefined);
  }

  render(url: string, list?: { maxPages: number }): Promise<Rendered> {
    const key = `r${++this.seq}`;
    return new Promise((resolve) => {
      this.pending.set(key, list ? { url, resolve, list, json: [] } : { url, resolve, json: [] });
      this.crawler.addRequests([{ url, uniqueKey: key, userData: { key } }]).catch((e) => this.settle(key, { check: this.failed(url, String(e)) }));
    });
  }

  async close(): Promise<void> {
    for (const [key, p] of this.pending) this.settle(key, { check: this.failed(p.url, "renderer closed") });
    this.crawler.stop();
    await this.crawler.teardown().catch(() => undefined);
    await this.running;
  }

  /**
   * A list column's start page, and every other page of its list: through its JSON API when the page's scripts use
   * one (the pages the scripts did not ask for are asked here, once each, without the browser), else by its script
   * pager. `record.listItems` holds the items of every page reached, in list order.
   */
  async renderList(url: string, o: { maxPages: number }): Promise<{ record?: PageRecord; check: LinkCheck; list?: RenderedList }> {
    const { record, check, driven } = await this.render(url, { maxPages: o.maxPages });
    if (!record || !driven?.how) return { record, check };
    const pages = [...driven.pages];
    let pagesReached = driven.pages.length;
    const stated: StatedCount = { ...(record.stated ?? {}) };
    stated.perPage = driven.pages[0].length;
    if (driven.api) {
      const { first, paging, firstUrl, firstForm, pagesDone, idUrl } = driven.api;
      const pageCount = Math.min(apiPageCount(first) ?? o.maxPages, o.maxPages);
      if (first.total !== undefined) stated.items = first.total;
      if (first.pages !== undefined) stated.pages = first.pages;
      stated.perPage = first.pageSize ?? first.records;
      pages.push(driven.api.answered);
      const seen = new Set(pages.flat().map((i) => i.url));
      for (let n = pagesDone + 1; n <= pageCount; n += API_BATCH) {
        const batch = Array.from({ length: Math.min(API_BATCH, pageCount - n + 1) }, (_, k) =>
          firstForm === undefined ? this.apiPage(apiPageUrl(firstUrl, paging, n + k), idUrl) : this.apiPage(firstUrl, idUrl, apiPageForm(firstForm, paging, n + k)),
        );
        const answers = await Promise.all(batch);
        let stop = false;
        for (const items of answers) {
          const fresh = items.filter((i) => !seen.has(i.url));
          // A page that fails, or repeats what was had (an API ignoring the parameter): the list ends here.
          if (fresh.length === 0) stop = true;
          for (const i of fresh) seen.add(i.url);
          if (items.length === 0) continue;
          pages.push(items);
          pagesReached++;
        }
        if (stop) break;
      }
    }
    const items: ListItem[] = [];
    const have = new Set<string>();
    for (const i of pages.flat()) if (!have.has(i.url) && have.add(i.url)) items.push(i);
    return { record: { ...record, listItems: items, stated }, check, list: { how: driven.how, stated, pagesReached } };
  }

  /**
   * One page of a list API, asked through the Fetcher (per-host limit, robots): a GET, counted as the URL's link
   * check, or the form POST the page's script made with the page number changed.
   */
  private async apiPage(url: string, idUrl?: (id: string) => string, form?: string): Promise<ListItem[]> {
    const out = await this.o.fetcher.fetch(url, { method: form === undefined ? "GET" : "POST", ...(form === undefined ? {} : { form }), priority: PRIORITY.walk, bodyLimit: () => this.o.maxBodyBytes });
    if (form === undefined && !this.o.checker.has(url)) this.o.checker.record(url, classify({ outcome: out, checkedAt: this.o.now().toISOString() }));
    if (out.status === undefined || out.status < 200 || out.status >= 300 || out.error || !out.body) return [];
    const data = parseJsonText(out.body.toString("utf8"));
    return data === undefined ? [] : (readListApi(data, out.finalUrl ?? url, idUrl)?.items ?? []);
  }

  private settle(key: string, r: Rendered): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    p.resolve(r);
  }

  private failed(url: string, error: string): LinkCheck {
    return { url, outcome: "skipped", skipped: "not-checked", redirects: [], method: "GET", attempts: 0, checkedAt: this.o.now().toISOString(), error };
  }
}

/**
 * The body of a script's form POST (`application/x-www-form-urlencoded`, as jQuery's $.post sends a list API its
 * page number); undefined for a GET or any other request.
 */
function formPost(method: string, resourceType: string, contentType: string | undefined, body: string | null): string | undefined {
  if (method !== "POST" || (resourceType !== "fetch" && resourceType !== "xhr")) return undefined;
  if (!/application\/x-www-form-urlencoded/i.test(contentType ?? "")) return undefined;
  return body ?? "";
}

/** A request for data: fetch/XHR, or a JSONP script (`…?callback=jQuery123_456`, as jQuery asks cross-site APIs). */
function isDataRequest(resourceType: string, url: string): boolean {
  return resourceType === "fetch" || resourceType === "xhr" || (resourceType === "script" && /[?&](callback|jsoncallback|jsonp|cb)=/i.test(url));
}

/** A JSON answer, by its type or (types are often wrong on these sites) by its first character. */
function looksJson(body: Buffer, contentType: string | undefined): boolean {
  if (/json|javascript/i.test(contentType ?? "")) return true;
  const head = body.subarray(0, 64).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  return head.startsWith("{") || head.startsWith("[");
}
