// Columns whose list pages are built by script (gkmlpt JSON APIs, Hanweb jpage, …) are rendered in a real browser:
// Crawlee's PlaywrightCrawler driving the system Chromium. Every request the browser makes is routed through our
// Fetcher (page.route), so robots.txt, the address rules, the User-Agent, the retries and — above all — the one
// per-host limit hold for the browser too, and what it fetched counts as checked (no second request).
// Images, fonts, media and stylesheets are not fetched: they never carry list entries.
import { chromium } from "playwright";
import { Configuration, PlaywrightCrawler, log as crawleeLog } from "crawlee";
import { normalizeUrl } from "../../shared/url.js";
import type { LinkCheck, PageRecord } from "../types.js";
import type { Fetcher, FetchOutcome } from "./fetcher.js";
import { PRIORITY } from "./limiter.js";
import type { JsRenderer } from "./walk.js";
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

interface Pending {
  url: string;
  resolve: (r: { record?: PageRecord; check: LinkCheck }) => void;
  document?: FetchOutcome;
}

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
        requestHandlerTimeoutSecs: o.timeoutSecs * 4,
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
              if (SKIPPED_TYPES.has(req.resourceType()) || req.method() !== "GET") return route.abort("blockedbyclient");
              const url = normalizeUrl(req.url());
              if (!url) return route.abort("blockedbyclient");
              const isDocument = req.isNavigationRequest() && req.frame() === page.mainFrame();
              const out = await this.o.fetcher.fetch(url, {
                method: "GET",
                priority: PRIORITY.walk,
                bodyLimit: () => this.o.maxBodyBytes,
              });
              if (isDocument && p) p.document = out;
              else if (!this.o.checker.has(url)) this.o.checker.record(url, classify({ outcome: out, checkedAt: this.o.now().toISOString() }));
              if (out.status === undefined || out.error || out.blocked || out.redirectProblem) return route.abort("failed");
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
          const html = await page.content();
          const doc = p.document;
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

  render(url: string): Promise<{ record?: PageRecord; check: LinkCheck }> {
    const key = `r${++this.seq}`;
    return new Promise((resolve) => {
      this.pending.set(key, { url, resolve });
      this.crawler.addRequests([{ url, uniqueKey: key, userData: { key } }]).catch((e) => this.settle(key, { check: this.failed(url, String(e)) }));
    });
  }

  async close(): Promise<void> {
    for (const [key, p] of this.pending) this.settle(key, { check: this.failed(p.url, "renderer closed") });
    this.crawler.stop();
    await this.crawler.teardown().catch(() => undefined);
    await this.running;
  }

  private settle(key: string, r: { record?: PageRecord; check: LinkCheck }): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    p.resolve(r);
  }

  private failed(url: string, error: string): LinkCheck {
    return { url, outcome: "skipped", skipped: "not-checked", redirects: [], method: "GET", attempts: 0, checkedAt: this.o.now().toISOString(), error };
  }
}
