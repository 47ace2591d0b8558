// The column walk: list pages, all their pagination, every item; one page for `page` columns; a section scan for
// `other`. Every page is fetched once however many columns list it, never off the site, never past
// maxPagesPerColumn, and self-linking traps are cut short.
//
// Why not Crawlee's CheerioCrawler (or BasicCrawler) here: measured on this machine, BasicCrawler's in-memory
// request queue costs ~0.5 ms CPU and ~14 KB heap per request before any I/O (10,000 no-op requests: 4.9 s CPU,
// 144 MB heap, 390 MB RSS) — at 20 ms latency and 4 in flight the whole budget per request is 5 ms, and a
// 20,000-page crawl must stay under 400 MB. CheerioCrawler also decodes by the Content-Type header only (GBK
// pages declaring their charset in <meta> come out as mojibake), buffers whole bodies without a cap, follows
// redirects inside got without giving us the chain, throws on 5xx before we can classify, and has no way to share
// one per-host limit with the link checks. So the walk is a small job queue over our own Fetcher; Crawlee's
// PlaywrightCrawler is used where a browser is really needed (columns with `javascript: true`, see render.ts).
import type { Column, Config } from "../../shared/schema.js";
import { classifyHref, hostKey, normalizeUrl } from "../../shared/url.js";
import type { ColumnWalk, CrawledPage, LinkCheck, LinkRecord, ListItem, PageRecord, PageRole, PagingOffer, PagingRequest, PagingStrategy, StatedCount } from "../types.js";
import type { PageCacheEntry } from "../store/types.js";
import type { Fetcher } from "./fetcher.js";
import { PRIORITY, type Priority } from "./limiter.js";
import { TrapGuard } from "./trap.js";
import { ColumnPaging, statedListed } from "./paginate.js";
import { classify, headerValue, isHtmlContentType, MAX_ANCHORS } from "../check/classify.js";
import { catalogueItems } from "../extract/catalogue.js";
import type { LinkChecker } from "../check/checker.js";
import { looksLikePage } from "../check/checker.js";
import type { ProbeCache } from "../check/probe.js";
import type { Parsed } from "./parse-pool.js";

export type PageExtractor = (body: Buffer, meta: { url: string; finalUrl: string; status: number; contentType?: string }) => Promise<Parsed>;

/** Renders a page in a browser (JS columns). Returns the rendered page's record and how the document answered. */
export interface JsRenderer {
  render(url: string): Promise<{ record?: PageRecord; check: LinkCheck }>;
  /**
   * A script-built list column's start page, paged through to its end (its JSON API, else its script pager, see
   * render.ts and js-pager.ts): `record.listItems` holds every page's items; `list` says how, when there was more
   * than one page.
   */
  renderList?(url: string, o: { maxPages: number }): Promise<{ record?: PageRecord; check: LinkCheck; list?: RenderedList }>;
  close(): Promise<void>;
}

/** How a script-built list was paged through, and what it states it holds (its API's total, or 共N条 on the page). */
export interface RenderedList {
  how: "json-api" | "js-pager";
  stated: StatedCount;
  /** List pages reached (in the browser or from the API). */
  pagesReached: number;
}

export interface WalkOptions {
  config: Config;
  fetcher: Fetcher;
  checker: LinkChecker;
  probes: ProbeCache;
  extract: PageExtractor;
  /** Hosts (host:port) that are "the site": only these are crawled. */
  siteHosts: Set<string>;
  /**
   * The previous crawl's records of pages, for conditional requests and telling new links from old. Asked in
   * batches (one query for the next pages in line rather than one per page).
   */
  cached?: (urls: string[]) => Promise<Map<string, PageCacheEntry>>;
  now: () => Date;
  signal?: AbortSignal;
  /** Loaded on first use: only columns with `javascript: true` need a browser. */
  renderer?: () => Promise<JsRenderer>;
  /** Query variants of one path, found from that same path, before it counts as a trap (default 20). */
  trapVariants?: number;
  onPage?: (columnId: string, url: string) => void;
  /** Per column id, the paging strategy that worked in the last crawl: tried first (see paginate.ts). */
  pagingMemory?: ReadonlyMap<string, string>;
  /**
   * Trust document pages verified OK within recheckAfterHours when nothing that leads to them has changed (see
   * settleDeferred). Off: every page is asked again (conditionally).
   */
  trustRecent?: boolean;
  /**
   * Page cache entries in batches while the walk goes on, so saving them overlaps the network waits instead of
   * adding to the crawl's end.
   */
  onCacheEntries?: (entries: PageCacheEntry[]) => void;
}

export interface WalkResult {
  pages: Map<string, CrawledPage>;
  columns: ColumnWalk[];
  /** Page cache entries not yet handed to onCacheEntries. */
  cacheEntries: PageCacheEntry[];
  /** Pages answered 304 (unchanged since the last crawl). */
  unchanged: number;
  /** Document pages not asked again: verified OK recently, and every page leading to them unchanged. */
  trusted: number;
  /** Paths (URL without query) found to be crawler traps. */
  trappedPaths: Set<string>;
}

interface PageResult {
  record?: PageRecord;
  check: LinkCheck;
  unchanged: boolean;
  /** Links the page held at the last crawl (when it has changed since): links not among them are new. */
  previousLinks?: Set<string>;
  /** A script-built list paged through in the browser or through its API (record.listItems holds every page's). */
  jsList?: RenderedList;
}

interface Job {
  url: string;
  col: ColumnState;
  role: PageRole;
  from?: string;
  /** The page that led here was unchanged since the last crawl (answered 304, or trusted itself). */
  viaUnchanged?: boolean;
  /** A list page asked for a paging strategy (a POST for Hanweb's dataproxy.jsp). */
  paging?: { strategy: PagingStrategy; request: PagingRequest };
}

interface ColumnState {
  walk: ColumnWalk;
  /** URLs this column has taken into its budget. */
  planned: Set<string>;
  itemUrls: Map<string, ListItem>;
  guard: TrapGuard;
  paging: ColumnPaging;
  /** What the column's first list page states it holds, and how many items that page showed. */
  stated?: StatedCount;
  firstPageItems: number;
  /** List entries the walk found but did not fetch (the column's page budget was spent). */
  itemsNotFetched: number;
  /** List pages asked for a paging strategy, with it: those of a strategy abandoned are dropped at the end. */
  strategyPages: { url: string; strategy: PagingStrategy }[];
  /** For section scans: the folder every page must lie under. */
  folder?: string;
  listOrder: Map<string, number>;
  /** A script-built list paged through by the renderer: how ("json-api", "js-pager"). */
  jsHow?: RenderedList["how"];
  /** …and how many list pages that reached. */
  jsPages?: number;
}

/** `http://h/a/b/index.html` → `http://h/a/b/` */
export function folderOf(url: string): string {
  const q = url.indexOf("?");
  const base = q === -1 ? url : url.slice(0, q);
  return base.slice(0, base.lastIndexOf("/") + 1);
}

/** Fragments that point nowhere in particular (#, #top) are never missing anchors. */
export function isTrivialFragment(f: string | undefined): boolean {
  if (f === undefined) return true;
  const t = f.trim().toLowerCase();
  return t === "" || t === "top" || t === "_top" || t === "page-top" || t === "pagetop";
}

const FOLLOW_TAGS = new Set(["a", "area", "iframe", "frame"]);

export class ColumnWalker {
  readonly pages = new Map<string, CrawledPage>();
  private fetches = new Map<string, Promise<PageResult>>();
  private listJobs: Job[] = [];
  private itemJobs: Job[] = [];
  private busy = 0;
  private done!: () => void;
  private cacheEntries: PageCacheEntry[] = [];
  private unchanged = 0;
  private linkPool = new Map<string, LinkRecord>();
  /** Page cache entries loaded ahead for pages about to be fetched (null: not in the cache), one query per batch. */
  private cacheLookups = new Map<string, Promise<PageCacheEntry | null>>();
  private renderer?: Promise<JsRenderer>;
  private readonly maxPages: number;

  private walkDone = false;
  /** Jobs for pages that may be trusted without asking, decided when nothing else is queued. */
  private deferred: Job[] = [];
  /** Pages a changed (or new) page links to or lists: never trusted, always asked. */
  private linkedFromChanged = new Set<string>();
  /** Pages trusted without asking, so a changed page found later can still have them asked. */
  private trustedUrls = new Set<string>();
  private trusted = 0;
  /** Page cache entries of deferred pages, read in batches while the walk still waits on the network. */
  private deferredCache = new Map<string, PageCacheEntry | null>();
  private deferredUnread: string[] = [];
  /** The batched reads of deferred pages' cache entries, one after the other: settling waits for all of them. */
  private deferredReads: Promise<void> = Promise.resolve();
  /** A settling of the deferred pages is under way (it counts as a running job). */
  private settling = false;

  private readonly trusting: boolean;

  constructor(private readonly o: WalkOptions) {
    this.maxPages = o.config.crawl.maxPagesPerColumn;
    this.trusting = !!o.trustRecent && o.checker.hasPrevious();
    o.checker.setSitePageFetch((url, opts) => this.fetchForCheck(url, opts?.timeoutRetries));
  }

  /**
   * A link check of a same-site page: the same fetch the walk makes, shared with it, so a page a column lists later
   * is not requested again. Once the walk is over nothing will need the record, so it is not kept.
   */
  private async fetchForCheck(url: string, timeoutRetries?: number): Promise<LinkCheck> {
    const known = this.fetches.get(url);
    if (known) return (await known).check;
    if (this.walkDone) return (await this.fetchHtml(url, PRIORITY.check, timeoutRetries)).check;
    const p = this.fetchHtml(url, PRIORITY.check, timeoutRetries);
    this.fetches.set(url, p);
    return (await p).check;
  }

  private sitePrefixes?: string[];

  /** On the site? URLs here are normalised (lower-case host, no default port), so their prefix tells. */
  isSiteUrl(url: string): boolean {
    this.sitePrefixes ??= [...this.o.siteHosts].flatMap((h) => [`http://${h}/`, `https://${h}/`]);
    for (const p of this.sitePrefixes) if (url.startsWith(p)) return true;
    return this.o.siteHosts.has(hostKey(url));
  }

  async run(): Promise<WalkResult> {
    const states = this.o.config.columns.map((column) => this.columnState(column));
    const finished = new Promise<void>((r) => (this.done = r));
    for (const s of states) {
      const role: PageRole = s.walk.column.type === "page" ? "page" : s.walk.column.type === "other" ? "section" : "list";
      this.plan(s, s.walk.column.url, role);
    }
    this.pump();
    if (this.busy === 0 && this.listJobs.length === 0 && this.itemJobs.length === 0) this.idle();
    await finished;
    this.walkDone = true;
    // Pages fetched only as link checks are not needed any more: let their records go.
    for (const url of [...this.fetches.keys()]) if (!this.pages.has(url)) this.fetches.delete(url);
    if (this.renderer) await (await this.renderer.catch(() => undefined))?.close().catch(() => undefined);
    for (const s of states) this.dropAbandonedPages(s);
    for (const s of states) {
      s.walk.listPages.sort((a, b) => (s.listOrder.get(a) ?? 0) - (s.listOrder.get(b) ?? 0));
      s.walk.items = [...s.itemUrls.values()];
      if (s.walk.column.type !== "page" && s.walk.column.type !== "other" && !s.walk.error && !s.walk.coverage) {
        const pageSize = s.stated?.perPage ?? s.firstPageItems;
        const reached = s.walk.items.length - s.itemsNotFetched;
        s.walk.coverage = { listed: statedListed(s.stated, pageSize, s.walk.items.length), reached, ...s.paging.outcome() };
        if (s.stated?.pages !== undefined) s.walk.coverage.statedPages = s.stated.pages;
        if (s.jsHow) {
          s.walk.coverage.how = s.jsHow;
          s.walk.coverage.listPages = s.jsPages;
        }
      }
    }
    const trappedPaths = new Set(states.flatMap((s) => [...s.guard.trapped]));
    return { pages: this.pages, columns: states.map((s) => s.walk), cacheEntries: this.cacheEntries, unchanged: this.unchanged, trusted: this.trusted, trappedPaths };
  }

  private columnState(column: Column): ColumnState {
    const url = normalizeUrl(column.url) ?? column.url;
    return {
      walk: { column, listPages: [], items: [], boundHit: false },
      planned: new Set(),
      itemUrls: new Map(),
      guard: new TrapGuard(this.o.trapVariants ?? 20),
      paging: new ColumnPaging(this.o.pagingMemory?.get(column.id)),
      firstPageItems: 0,
      itemsNotFetched: 0,
      strategyPages: [],
      folder: column.type === "other" ? folderOf(url) : undefined,
      listOrder: new Map(),
    };
  }

  /** Take a page into a column's walk, within its budget. */
  private plan(s: ColumnState, rawUrl: string, role: PageRole, from?: string, viaUnchanged = false, paging?: Job["paging"]): void {
    const url = normalizeUrl(rawUrl);
    if (!url || s.planned.has(url)) return;
    if (!this.isSiteUrl(url)) return; // never leave the site to crawl
    if (s.planned.size >= this.maxPages) {
      this.bound(s, "max-pages");
      return;
    }
    s.planned.add(url);
    if (role === "list" || role === "page" || role === "section") s.listOrder.set(url, s.listOrder.size);
    const job: Job = { url, col: s, role, from, viaUnchanged };
    if (paging) job.paging = paging;
    if (role === "item") this.itemJobs.push(job);
    else this.listJobs.push(job);
  }

  private bound(s: ColumnState, reason: "max-pages" | "trap"): void {
    if (!s.walk.boundHit) {
      s.walk.boundHit = true;
      s.walk.boundReason = reason;
    }
  }

  private workerLimit(): number {
    return this.o.config.crawl.concurrency * Math.max(1, this.o.siteHosts.size) + 2;
  }

  private pump(): void {
    while (this.busy < this.workerLimit() && !this.o.signal?.aborted) {
      // List pages first: they reveal the rest of the work.
      let job = this.listJobs.shift() ?? this.itemJobs.shift();
      if (!job && this.deferred.length > 0) {
        // Nothing else to ask for now: settle the deferred pages rather than wait for every page in flight (one
        // that never answers would hold them up for a whole timeout). A changed page found later still has any
        // page it links to asked (reviseTrusted). Settling reads the store, so it runs as a job; the jobs it
        // queues start when it is over.
        this.startSettling();
        break;
      }
      if (!job) break;
      this.busy++;
      void this.runJob(job)
        .catch(() => undefined)
        .finally(() => this.jobFinished());
    }
  }

  /** A job (or a late revision) is over: start what can start; when nothing runs or waits, the walk may be done. */
  private jobFinished(): void {
    this.busy--;
    this.pump();
    if (this.busy === 0 && (this.o.signal?.aborted || (this.listJobs.length === 0 && this.itemJobs.length === 0))) this.idle();
  }

  /** Nothing running or queued: settle the deferred pages (which may queue more work), else the walk is done. */
  private idle(): void {
    if (!this.o.signal?.aborted && this.deferred.length > 0) {
      this.startSettling();
      return;
    }
    this.done();
  }

  /** Settle the deferred pages as a job of its own (at most one at a time): its end pumps the jobs it queued. */
  private startSettling(): void {
    if (this.settling) return;
    this.settling = true;
    this.busy++;
    void this.settleDeferred()
      .catch(() => undefined)
      .finally(() => {
        this.settling = false;
        this.jobFinished();
      });
  }

  /**
   * A page may go unasked on a re-crawl when it is a document (no list entries, no pagination), the last crawl
   * checked it OK within recheckAfterHours, and every page that leads to it this time answered unchanged (304) or
   * was trusted itself: the same rule as for any other link checked recently (an unchanged page's links are not
   * checked again within the window). A page that a changed or new page links to or lists is always asked, so a
   * republished list page has its items asked again. List pages, column start pages and any page whose last record
   * holds a list or pagination are always asked: that is where new content shows up.
   */
  private mayDefer(job: Job): boolean {
    if (!this.trusting || !job.viaUnchanged || job.role === "list" || job.role === "page") return false;
    if (job.url === (normalizeUrl(job.col.walk.column.url) ?? job.col.walk.column.url)) return false;
    return !this.fetches.has(job.url) && !this.linkedFromChanged.has(job.url) && !!this.o.checker.recentOk(job.url);
  }

  /** Read the cache entries of the pages deferred so far (one query), so the settling at the end has less to do. */
  private readDeferred(): Promise<void> {
    this.deferredReads = this.deferredReads.then(async () => {
      const urls = this.deferredUnread.splice(0).filter((u) => !this.deferredCache.has(u));
      if (urls.length === 0 || !this.o.cached) return;
      // A failed read trusts nothing: those pages are asked again.
      const found = await this.o.cached(urls).catch(() => new Map<string, PageCacheEntry>());
      for (const u of urls) this.deferredCache.set(u, found.get(u) ?? null);
    });
    return this.deferredReads;
  }

  private async settleDeferred(): Promise<void> {
    const jobs = this.deferred.splice(0);
    await this.readDeferred();
    for (const job of jobs) {
      const url = job.url;
      const entry = this.deferredCache.get(url);
      this.deferredCache.delete(url);
      const previous = this.o.checker.recentOk(url);
      if (!this.fetches.has(url) && !this.linkedFromChanged.has(url) && entry && previous && isDocument(entry.record)) {
        this.trusted++;
        this.trustedUrls.add(url);
        // Saved checks keep no anchors: the cached record has them, for links with #fragments to this page.
        const check: LinkCheck = { ...previous, anchors: entry.record.anchors.slice(0, MAX_ANCHORS) };
        this.o.checker.record(url, check);
        this.fetches.set(url, Promise.resolve({ record: this.shareLinks(entry.record), check, unchanged: true }));
      }
      // Trusted or not, the job runs: it finds its page in `fetches` (no request) or asks for it.
      job.viaUnchanged = false;
      (job.role === "item" ? this.itemJobs : this.listJobs).push(job);
    }
  }

  /** A changed or new page links to `url`: it will not be trusted, and is asked now if it already was. */
  private changedLinksTo(url: string): void {
    // Nothing is trusted on a first crawl (or with trust off): no need to keep the set.
    if (!this.trusting) return;
    this.linkedFromChanged.add(url);
    if (this.trustedUrls.has(url)) this.reviseTrusted(url);
  }

  /**
   * A changed page turned up after the page it links to was trusted: ask for that page after all. Its answer
   * replaces the trusted check; a changed page takes the trusted record's place.
   */
  private reviseTrusted(url: string): void {
    if (!this.trustedUrls.delete(url)) return;
    this.trusted--;
    this.busy++;
    const asked = this.fetchHtml(url, PRIORITY.walk);
    // A column reaching the page from now on gets the new answer, not the trusted one.
    this.fetches.set(url, asked);
    void asked
      .then((result) => {
        this.o.checker.revise(url, result.check);
        const page = this.pages.get(url);
        if (page && result.record && !result.unchanged) {
          page.record = result.record;
          page.unchanged = false;
          this.registerLinks(page, result.previousLinks);
        } else if (page && !result.record) {
          this.pages.delete(url);
        }
      })
      .catch(() => undefined)
      .finally(() => this.jobFinished());
  }

  private async runJob(job: Job): Promise<void> {
    const { col: s, role } = job;
    const js = !!s.walk.column.javascript && role === "list";
    const isStart = job.url === (normalizeUrl(s.walk.column.url) ?? s.walk.column.url);
    if (!js && this.mayDefer(job)) {
      this.deferred.push(job);
      this.deferredUnread.push(job.url);
      if (this.deferredUnread.length >= 200) void this.readDeferred();
      return;
    }
    if (job.paging && s.paging.isAbandoned(job.paging.strategy)) return; // its strategy failed meanwhile
    let result = job.paging?.request.method === "POST" ? await this.fetchForm(job.paging.request) : await this.fetchPage(job.url, js, js && isStart);
    // A proxy that refuses the form (405 …) may answer the same fields as a GET query, as some Hanweb servers do.
    if (!result.record && job.paging?.request.method === "POST" && job.paging.request.form) result = await this.fetchPage(formAsQuery(job.paging.request), false);
    if (!result.record) {
      if (isStart) s.walk.error = describeFailure(result.check);
      else if (job.paging) this.planPaging(s, s.paging.pageDone(job.paging.strategy, 0, []), job.url, false);
      return;
    }
    const page = this.attach(result, s.walk.column.id, role);
    this.o.onPage?.(s.walk.column.id, page.record.url);
    const record = page.record;
    // What this page leads to may be trusted only if the page itself has not changed.
    const same = result.unchanged;
    if (role === "list") {
      s.walk.listPages.push(job.url);
      let added = 0;
      // A 标准目录's items are the pages its rows link to: fetched so that catalogue-gap can judge them.
      for (const item of s.walk.column.type === "catalogue" ? catalogueItems(record) : record.listItems) {
        const u = normalizeUrl(item.url);
        if (u && !same) this.changedLinksTo(u);
        if (!u || s.itemUrls.has(u)) continue;
        s.itemUrls.set(u, { ...item, url: u });
        added++;
        if (this.isSiteUrl(u) && looksLikePage(u) && !isAttachmentLink(record, u)) {
          this.plan(s, u, "item", job.url, same);
          if (!s.planned.has(u)) s.itemsNotFetched++; // over maxPagesPerColumn
        }
      }
      const offers = pagingOffersOf(record);
      if (!same) for (const o of offers) for (const r of o.requests) if (!r.method) this.changedLinksTo(r.url);
      if (isStart && result.jsList) {
        // Paged through by the renderer: its own pager links are not followed again.
        s.stated = result.jsList.stated;
        s.firstPageItems = result.jsList.stated.perPage ?? record.listItems.length;
        s.jsHow = result.jsList.how;
        s.jsPages = result.jsList.pagesReached;
      } else if (isStart) {
        s.stated = record.stated;
        s.firstPageItems = record.listItems.length;
        this.planPaging(s, s.paging.start(job.url, offers), job.url, same);
      } else if (job.paging) {
        s.strategyPages.push({ url: job.url, strategy: job.paging.strategy });
        this.planPaging(s, s.paging.pageDone(job.paging.strategy, added, offers), job.url, same);
      }
    } else if (role === "section") {
      if (isStart) s.walk.listPages.push(job.url);
      const next = [...record.links.filter((l) => l.url && FOLLOW_TAGS.has(l.tag) && !l.attachment).map((l) => l.url!), ...record.pagination];
      for (const raw of next) {
        const u = normalizeUrl(raw, record.finalUrl);
        if (u && !same) this.changedLinksTo(u);
        if (!u || s.planned.has(u) || !u.startsWith(s.folder!) || !looksLikePage(u)) continue;
        if (s.guard.admit(u, job.url) === "trap") {
          this.bound(s, "trap");
          continue;
        }
        this.plan(s, u, "section", job.url, same);
      }
      for (const item of record.listItems) {
        const u = normalizeUrl(item.url);
        if (u && !s.itemUrls.has(u) && u.startsWith(s.folder!)) s.itemUrls.set(u, { ...item, url: u });
      }
    }
  }

  /**
   * Pages of a paging strategy that was abandoned (a `?pageNum=N` answering page 1 again) are not pages of the list:
   * they leave the column's list pages, and the crawl's pages when no other column reached them. A later crawl that
   * starts with the strategy that worked never asks them, and its pages and list pages are the same as this one's.
   */
  private dropAbandonedPages(s: ColumnState): void {
    const dropped = new Set(s.strategyPages.filter((p) => s.paging.isAbandoned(p.strategy)).map((p) => p.url));
    if (dropped.size === 0) return;
    s.walk.listPages = s.walk.listPages.filter((u) => !dropped.has(u));
    const id = s.walk.column.id;
    for (const url of dropped) {
      const page = this.pages.get(url);
      if (!page) continue;
      page.columns = page.columns.filter((c) => !(c.columnId === id && c.role === "list"));
      if (page.columns.length === 0) this.pages.delete(url);
    }
  }

  /** Take the list pages a column's paging asks for into its walk. */
  private planPaging(s: ColumnState, requests: (PagingRequest & { strategy: PagingStrategy })[], from: string, viaUnchanged: boolean): void {
    for (const { strategy, ...request } of requests) this.plan(s, request.url, "list", from, viaUnchanged, { strategy, request });
  }

  /**
   * A list asked as a form (Hanweb's jpage POSTs to dataproxy.jsp): not a page anyone links to, so its answer is
   * neither a link check nor cached; asked on every crawl, once per crawl.
   */
  private fetchForm(request: PagingRequest): Promise<PageResult> {
    const key = `POST ${request.url}\u0000${request.form ?? ""}`;
    let p = this.fetches.get(key);
    if (!p) {
      p = this.fetchHtml(request.url, PRIORITY.walk, undefined, request.form);
      this.fetches.set(key, p);
    }
    return p;
  }

  /** Put the page into the crawl (once), noting the column and role it was reached in. */
  private attach(result: PageResult, columnId: string, role: PageRole): CrawledPage {
    const record = result.record!;
    let page = this.pages.get(record.url);
    if (!page) {
      page = { record, columns: [] };
      if (result.unchanged) page.unchanged = true;
      this.pages.set(record.url, page);
      this.registerLinks(page, result.previousLinks);
    }
    if (!page.columns.some((c) => c.columnId === columnId && c.role === role)) page.columns.push({ columnId, role });
    return page;
  }

  /** Every link on a fetched page goes to the checker (once per page, however many columns reach it). */
  private registerLinks(page: CrawledPage, previous: Set<string> | undefined): void {
    const record = page.record;
    for (const link of record.links) {
      if (!link.url || link.scheme !== "http") continue;
      this.o.checker.reference(link.url, {
        attachment: link.attachment,
        sameSite: this.isSiteUrl(link.url),
        tag: link.tag,
        fragment: link.fragment !== undefined && !isTrivialFragment(link.fragment) && link.url !== record.url && link.url !== record.finalUrl,
        fresh: page.unchanged ? false : !previous || !previous.has(link.url),
      });
    }
  }

  /** Fetch one page once per crawl (an item listed in two columns is fetched once). */
  private fetchPage(url: string, js: boolean, wholeList = false): Promise<PageResult> {
    let p = this.fetches.get(url);
    if (!p) {
      p = js ? this.render(url, wholeList) : this.fetchHtml(url, PRIORITY.walk);
      this.fetches.set(url, p);
    }
    return p;
  }

  private async render(url: string, wholeList = false): Promise<PageResult> {
    if (!this.o.renderer) return this.fetchHtml(url);
    this.renderer ??= this.o.renderer();
    let renderer: JsRenderer;
    try {
      renderer = await this.renderer;
    } catch {
      return this.fetchHtml(url); // no browser here: the plain page is better than nothing
    }
    if (wholeList && renderer.renderList) {
      const { record, check, list } = await renderer.renderList(url, { maxPages: this.maxPages });
      this.o.checker.record(url, check);
      const ok = record && check.outcome === "ok";
      return ok && list ? { record, check, unchanged: false, jsList: list } : { record: ok ? record : undefined, check, unchanged: false };
    }
    const { record, check } = await renderer.render(url);
    this.o.checker.record(url, check);
    return { record: record && check.outcome === "ok" ? record : undefined, check, unchanged: false };
  }

  /**
   * Every page is asked for on every crawl — conditionally (If-None-Match / If-Modified-Since) when the last crawl
   * saw it, so an unchanged page costs a 304 and no parsing. Trusting a cached page without asking would be cheaper
   * still, but an item page that started answering 404 since would go unnoticed.
   */
  private async fetchHtml(url: string, priority: Priority = PRIORITY.walk, timeoutRetries?: number, form?: string): Promise<PageResult> {
    const o = this.o;
    const maxBody = o.config.crawl.maxBodyBytes;
    const post = form !== undefined;
    const cached = post ? undefined : await this.lookupCache(url);
    const out = await o.fetcher.fetch(url, {
      method: post ? "POST" : "GET",
      form,
      priority,
      timeoutRetries,
      conditional: cached ? { etag: cached.etag, lastModified: cached.lastModified } : undefined,
      bodyLimit: (status, headers) => {
        const ct = headerValue(headers, "content-type");
        // Pages are read (up to the cap); anything else only far enough to know it is not empty.
        return status >= 200 && status < 300 && (isPageType(ct) || unknownType(ct)) ? maxBody : 0;
      },
    });
    const checkedAt = o.now().toISOString();
    const ct = headerValue(out.headers, "content-type");
    if (out.status === 304 && cached && !out.error) {
      this.unchanged++;
      const record = this.shareLinks(cached.record);
      const check = classify({ outcome: out, checkedAt, page: { title: record.title, anchors: record.anchors } });
      this.addCacheEntry({ ...cached, record, fetchedAt: checkedAt });
      this.recordCheck(url, check, record.finalUrl);
      return { record, check, unchanged: true };
    }
    const ok2xx = out.status !== undefined && out.status >= 200 && out.status < 300 && !out.error;
    let record: PageRecord | undefined;
    if (ok2xx && out.body && out.body.length > 0 && this.isSiteUrl(out.finalUrl) && (isPageType(ct) || (unknownType(ct) && looksHtml(out.body)))) {
      const parsed = await o.extract(out.body, { url, finalUrl: out.finalUrl, status: out.status!, contentType: ct });
      record = parsed.fresh ? this.shareLinks(parsed.record) : this.compact(parsed.record);
    }
    const probe = ok2xx && (record || out.hops.length > 1) ? await o.probes.forUrl(out.finalUrl) : null;
    const check = classify({
      outcome: out,
      checkedAt,
      probe,
      page: record ? { title: record.title, text: record.bodyText, anchors: record.anchors } : undefined,
      attachment: ok2xx && !record && !isPageType(ct),
      emptyBody: ok2xx && (out.body?.length ?? 0) === 0 && !out.truncated,
    });
    if (!post) this.recordCheck(url, check, out.finalUrl);
    if (record && check.outcome === "ok" && post) return { record, check, unchanged: false };
    if (record && check.outcome === "ok") {
      const etag = headerValue(out.headers, "etag");
      const lastModified = headerValue(out.headers, "last-modified");
      const entry: PageCacheEntry = { url: record.url, record, fetchedAt: checkedAt };
      if (etag) entry.etag = etag;
      if (lastModified) entry.lastModified = lastModified;
      this.addCacheEntry(entry);
      const previousLinks = cached ? new Set(cached.record.links.map((l) => l.url ?? "")) : undefined;
      return { record, check, unchanged: false, previousLinks };
    }
    return { check, unchanged: false };
  }

  /**
   * Records are kept for the whole crawl, so they must not hold more than they say. Strings cut out of the page's
   * HTML by the parser can keep the whole document alive (V8 sliced strings): a JSON round trip gives every string
   * its own storage. Pages built from one template repeat the same navigation links: those are shared, not copied.
   */
  private compact(record: PageRecord): PageRecord {
    return this.shareLinks(JSON.parse(JSON.stringify(record)) as PageRecord);
  }

  private shareLinks(fresh: PageRecord): PageRecord {
    fresh.links = fresh.links.map((l) => {
      const key = `${l.tag}\u0000${l.raw}\u0000${l.text}\u0000${l.attachment ? 1 : 0}\u0000${l.url ?? ""}\u0000${l.fragment ?? ""}`;
      const known = this.linkPool.get(key);
      if (known) return known;
      if (this.linkPool.size < 200_000) this.linkPool.set(key, l);
      return l;
    });
    return fresh;
  }

  /** The page cache entry of `url`, loaded together with those of the next pages in line. */
  private async lookupCache(url: string): Promise<PageCacheEntry | undefined> {
    if (!this.o.cached) return undefined;
    if (!this.cacheLookups.has(url)) {
      const batch = [url];
      for (const j of [...this.listJobs, ...this.itemJobs]) {
        if (batch.length >= 64) break;
        if (!this.cacheLookups.has(j.url) && j.url !== url) batch.push(j.url);
      }
      // One query for the batch; a failed read means no cached entry (the page is asked unconditionally).
      const found = this.o.cached(batch).catch(() => new Map<string, PageCacheEntry>());
      for (const u of batch) this.cacheLookups.set(u, found.then((m) => m.get(u) ?? null));
    }
    const e = this.cacheLookups.get(url);
    this.cacheLookups.delete(url);
    return (await e) ?? undefined;
  }

  private addCacheEntry(e: PageCacheEntry): void {
    this.cacheEntries.push(e);
    if (this.o.onCacheEntries && this.cacheEntries.length >= 100) this.o.onCacheEntries(this.cacheEntries.splice(0));
  }

  /** The walk's answer is the link check of the URL (and of where it redirected to): no second request for either. */
  private recordCheck(url: string, check: LinkCheck, finalUrl: string): void {
    this.o.checker.record(url, check);
    if (finalUrl && finalUrl !== url && check.outcome === "ok" && check.status !== undefined && !this.o.checker.has(finalUrl)) {
      this.o.checker.record(finalUrl, { ...check, url: finalUrl, redirects: [{ url: finalUrl, status: check.status }], finalUrl: undefined });
      // A later link to the final URL must find the same page, not fetch it again.
      const p = this.fetches.get(url);
      if (p && !this.fetches.has(finalUrl)) this.fetches.set(finalUrl, p);
    }
  }
}

/** HTML, or the XML a Hanweb `dataproxy.jsp` pager answers with list records. */
function isPageType(ct: string | undefined): boolean {
  return isHtmlContentType(ct) || /^\s*(text|application)\/xml/i.test(ct ?? "");
}

/** No useful type given: the body has to say what it is (as browsers sniff it). */
function unknownType(ct: string | undefined): boolean {
  return !ct || !ct.trim() || /^\s*application\/octet-stream/i.test(ct);
}

function looksHtml(body: Buffer): boolean {
  const head = body.subarray(0, 512).toString("latin1").trimStart().toLowerCase();
  return head.startsWith("<!doctype html") || head.startsWith("<html") || /<(head|body|title|meta)[\s>]/.test(head);
}

/** A document page (an article, a guide): no list entries, no pagination. Lists are where new content appears. */
function isDocument(record: PageRecord): boolean {
  return record.listItems.length === 0 && record.pagination.length === 0;
}

/** A POSTed form's fields as the query of a GET of the same URL. */
export function formAsQuery(r: PagingRequest): string {
  const u = new URL(r.url);
  for (const [k, v] of new URLSearchParams(r.form ?? "")) if (!u.searchParams.has(k)) u.searchParams.append(k, v);
  return normalizeUrl(u.toString()) ?? u.toString();
}

/** A list page's paging offers; a record saved before offers existed (or rendered in a browser) has its pager links. */
function pagingOffersOf(record: PageRecord): PagingOffer[] {
  if (record.paging) return record.paging;
  return record.pagination.length ? [{ strategy: "pager-links", requests: record.pagination.map((url) => ({ url })) }] : [];
}

function isAttachmentLink(record: PageRecord, url: string): boolean {
  return record.links.some((l) => l.url === url && l.attachment);
}

/** Why a column's first page could not be had, in words for the log and ColumnWalk.error. */
export function describeFailure(check: LinkCheck): string {
  if (check.outcome === "skipped") return check.skipped === "robots" ? "robots.txt 禁止抓取 disallowed by robots.txt" : `未抓取 not fetched (${check.skipped})`;
  if (check.error) return `${check.reason ?? "error"}: ${check.error}`;
  if (check.status !== undefined) return `HTTP ${check.status}${check.reason ? ` (${check.reason})` : ""}`;
  return check.reason ?? "unknown";
}

export { classifyHref };
