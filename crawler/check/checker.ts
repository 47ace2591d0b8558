// Link checking: each unique normalised URL once per crawl, however many pages hold it.
// - Pages the column walk fetches count as checked (the walk records them here): no second request.
// - Same-site page links wait until the walk is done, because the walk may fetch them anyway.
// - HEAD first for attachments and other sites' pages; GET when HEAD is refused or fails; GET (capped) for
//   same-site pages so their title, anchors and soft-404 look are known.
// - On a re-crawl, a link checked OK recently is not fetched again unless a page holds it newly; broken ones
//   always are.
// - When some column scans attachments for personal data, a same-site attachment of a readable format (PDF, DOC,
//   DOCX, XLS, XLSX) is checked with a GET that keeps the body (up to crawl.maxAttachmentBytes): the link check and
//   the download are one request. The body goes to the parse thread to be scanned and is dropped; the check keeps
//   the masked result and the validators, and the next crawl asks conditionally: a 304 reuses the stored result.
// Work is kept as per-host FIFOs of URL strings with at most `concurrency` workers per host, so memory stays
// proportional to the number of unique URLs, not to pending promises.
import type { AttachmentScan, LinkCheck, LinkTag } from "../types.js";
import { attachmentFormatOfUrl } from "../extract/attachment.js";
import { hostKey } from "../../shared/url.js";
import type { IncomingHttpHeaders } from "node:http";
import type { Fetcher, FetchOutcome } from "../crawl/fetcher.js";
import { PRIORITY } from "../crawl/limiter.js";
import { parseRetryAfter } from "../crawl/retry.js";
import { pathKey } from "../crawl/trap.js";
import { classify, contentLengthOf, headerValue, isHtmlContentType, type PageFacts } from "./classify.js";
import type { PageTextExtractor, ProbeCache } from "./probe.js";

export interface LinkRef {
  /** The link points at an attachment (.pdf .doc …). */
  attachment: boolean;
  /** The target is on the site being crawled. */
  sameSite: boolean;
  tag: LinkTag;
  /** The link carries a fragment worth checking (#id, not #top or #). */
  fragment?: boolean;
  /** The page did not hold this link at the previous crawl (or the page is new). */
  fresh: boolean;
}

/** Fetches a same-site page the way the walk does (shared with it: one request serves both). */
export type SitePageFetch = (url: string, opts?: { timeoutRetries?: number }) => Promise<LinkCheck>;

export interface CheckerOptions {
  fetcher: Fetcher;
  /**
   * Same-site pages are fetched through the walk's own page fetch, so a page the walk will need later is not
   * requested twice and its conditional request and page record are shared. Set by the walk.
   */
  sitePage?: SitePageFetch;
  probes: ProbeCache;
  extract: PageTextExtractor;
  concurrency: number;
  checkExternal: boolean;
  /** Latest checks from the store, for skipping recently checked links. */
  previous?: Map<string, LinkCheck>;
  /** A previous OK check younger than this is reused (ms); 0 = always check. */
  recheckAfterMs: number;
  now: () => Date;
  /** Body cap for GETs made only to check a link (title, anchors, soft-404). */
  maxGetBytes?: number;
  /** Most checks running at once over all hosts (each host also has its own limit). */
  maxActive?: number;
  onChecked?: (check: LinkCheck) => void;
  /** Download same-site attachments and scan them (set when some column scans for personal data). */
  attachments?: AttachmentDownloads;
}

export interface AttachmentDownloads {
  /** Larger files are not downloaded (crawl.maxAttachmentBytes); their check says `scan.skipped: "too-large"`. */
  maxBytes: number;
  /** Scans a downloaded file on the parse thread: only masked counts come back. */
  scan: (body: Buffer, meta: { url: string; contentType?: string }) => Promise<AttachmentScan>;
}

const enum State {
  Deferred = 1,
  MaybeSkip = 2,
  Queued = 3,
  Done = 4,
}

interface Entry {
  state: State;
  attachment: boolean;
  sameSite: boolean;
  wantsGet: boolean;
  fresh: boolean;
  headFirst: boolean;
}

const PAGE_EXTENSIONS = new Set(["", "html", "htm", "shtml", "xhtml", "jhtml", "jsp", "jspx", "php", "asp", "aspx", "do", "action", "cgi", "htmls"]);

/** Does the URL look like a web page (as opposed to an image, a script, a stylesheet, a download)? */
export function looksLikePage(url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  const last = path.slice(path.lastIndexOf("/") + 1);
  const dot = last.lastIndexOf(".");
  return PAGE_EXTENSIONS.has(dot > 0 ? last.slice(dot + 1).toLowerCase() : "");
}

export class LinkChecker {
  readonly checks = new Map<string, LinkCheck>();
  readonly stats = { checked: 0, reused: 0, skipped: 0, headFallbacks: 0, attachmentsScanned: 0, attachmentsUnchanged: 0, attachmentsTooLarge: 0, attachmentBytes: 0 };
  private entries = new Map<string, Entry>();
  private queues = new Map<string, string[]>();
  private workers = new Map<string, number>();
  private active = 0;
  private activeWaiters: (() => void)[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private walkDone = false;
  private readonly maxGetBytes: number;
  private readonly maxActive: number;

  /** Set once the walk exists (the walk and the checker refer to each other). */
  setSitePageFetch(f: SitePageFetch): void {
    this.o.sitePage = f;
  }

  constructor(private readonly o: CheckerOptions) {
    this.maxGetBytes = o.maxGetBytes ?? 512 * 1024;
    this.maxActive = o.maxActive ?? Math.max(16, o.concurrency * 8);
  }

  /** A page holds a link to `url` (normalised, http(s)). Schedules its check when it needs one. */
  reference(url: string, ref: LinkRef): void {
    const e = this.entries.get(url);
    if (e) {
      e.fresh ||= ref.fresh;
      e.attachment ||= ref.attachment;
      if (ref.fragment && e.state !== State.Done && e.state !== State.Queued) e.wantsGet = true;
      return;
    }
    const entry: Entry = {
      state: State.Queued,
      attachment: ref.attachment,
      sameSite: ref.sameSite,
      wantsGet: !!ref.fragment,
      fresh: ref.fresh,
      headFirst: ref.attachment || !ref.sameSite || !looksLikePage(url) || (ref.tag !== "a" && ref.tag !== "area" && ref.tag !== "iframe" && ref.tag !== "frame"),
    };
    this.entries.set(url, entry);
    if (this.checks.has(url)) {
      entry.state = State.Done;
      return;
    }
    if (!ref.sameSite && !this.o.checkExternal) return this.finish(url, entry, this.skipped(url, "external-off"));
    if (this.o.fetcher.isPrivateTarget(url)) {
      return this.finish(url, entry, { url, outcome: "wrong", reason: "private-address", redirects: [], method: "none", attempts: 0, checkedAt: this.o.now().toISOString() });
    }
    if (this.reusable(url) && !this.unscanned(url, entry)) {
      entry.state = State.MaybeSkip;
      if (this.walkDone) this.settleMaybeSkip(url, entry);
      return;
    }
    // Same-site URLs with a query wait for the end of the walk: by then the walk knows which paths are traps
    // (a calendar's thousand days) and has fetched the list pages it needed anyway.
    if (ref.sameSite && !entry.headFirst && !this.walkDone && url.includes("?")) {
      entry.state = State.Deferred;
      return;
    }
    this.enqueue(url);
  }

  /** The walk fetched `url` itself: its result is the link's check. */
  record(url: string, check: LinkCheck): void {
    if (this.checks.has(url)) return;
    this.checks.set(url, check);
    const e = this.entries.get(url);
    if (e) e.state = State.Done;
    this.o.onChecked?.(check);
  }

  has(url: string): boolean {
    return this.checks.has(url);
  }

  /** Are there checks from an earlier crawl to reuse at all? */
  hasPrevious(): boolean {
    return (this.o.previous?.size ?? 0) > 0 && this.o.recheckAfterMs > 0;
  }

  /** The last crawl's check of `url` when it was OK and recent enough to trust (within recheckAfterHours). */
  recentOk(url: string): LinkCheck | undefined {
    return this.reusable(url) ? this.o.previous!.get(url) : undefined;
  }

  /** A trusted page was asked again after all (a changed page links to it): its new answer replaces the old. */
  revise(url: string, check: LinkCheck): void {
    this.checks.set(url, check);
  }

  /**
   * The walk is over: same-site links it did not fetch are checked now; reuse decisions are final now. Links into
   * a path the walk found to be a crawler trap (a calendar's thousand days) are not checked one by one: the trap
   * pages that were fetched stand for them.
   */
  walkFinished(trappedPaths: ReadonlySet<string> = new Set()): void {
    this.walkDone = true;
    for (const [url, e] of this.entries) {
      if (e.state === State.Deferred) {
        if (this.checks.has(url)) e.state = State.Done;
        else if (trappedPaths.has(pathKey(url))) this.finish(url, e, { ...this.skipped(url, "not-checked"), error: "crawler trap" });
        else this.enqueue(url);
      } else if (e.state === State.MaybeSkip) this.settleMaybeSkip(url, e);
    }
    this.maybeIdle();
  }

  /** Resolves when every scheduled check is done (call after walkFinished). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queuedCount() === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  pending(): number {
    return this.queuedCount() + this.running;
  }

  private queuedCount(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private reusable(url: string): boolean {
    if (!this.o.previous || this.o.recheckAfterMs <= 0) return false;
    const prev = this.o.previous.get(url);
    if (!prev || prev.outcome !== "ok" || prev.method === "none") return false;
    const age = this.o.now().getTime() - Date.parse(prev.checkedAt);
    return age >= 0 && age < this.o.recheckAfterMs;
  }

  /** An attachment to scan whose last check did not scan it (scanning was off, or it was checked with HEAD). */
  private unscanned(url: string, e: Entry): boolean {
    return !!this.o.attachments && e.attachment && e.sameSite && !!attachmentFormatOfUrl(url) && !this.o.previous?.get(url)?.scan;
  }

  private settleMaybeSkip(url: string, e: Entry): void {
    if (this.checks.has(url)) {
      e.state = State.Done;
      return;
    }
    // A link with a #fragment needs the page's anchors, which saved checks do not keep: ask again.
    if (e.fresh || (e.wantsGet && !this.o.previous!.get(url)!.anchors)) {
      this.enqueue(url);
      return;
    }
    this.stats.reused++;
    this.finish(url, e, { ...this.o.previous!.get(url)! });
  }

  private skipped(url: string, why: NonNullable<LinkCheck["skipped"]>): LinkCheck {
    return { url, outcome: "skipped", skipped: why, redirects: [], method: "none", attempts: 0, checkedAt: this.o.now().toISOString() };
  }

  private finish(url: string, e: Entry, check: LinkCheck): void {
    e.state = State.Done;
    if (!this.checks.has(url)) {
      this.checks.set(url, check);
      if (check.outcome === "skipped") this.stats.skipped++;
      this.o.onChecked?.(check);
    }
  }

  private enqueue(url: string): void {
    const e = this.entries.get(url)!;
    e.state = State.Queued;
    const host = hostKey(url);
    let q = this.queues.get(host);
    if (!q) {
      q = [];
      this.queues.set(host, q);
    }
    q.push(url);
    const workers = this.workers.get(host) ?? 0;
    if (workers < this.o.concurrency) {
      this.workers.set(host, workers + 1);
      void this.work(host, q);
    }
  }

  private async work(host: string, q: string[]): Promise<void> {
    try {
      while (q.length > 0) {
        const url = q.shift()!;
        const e = this.entries.get(url)!;
        if (this.checks.has(url)) {
          e.state = State.Done;
          continue;
        }
        this.running++;
        await this.takeActive();
        try {
          const check = await this.checkOne(url, e);
          this.stats.checked++;
          this.finish(url, e, check);
        } catch (err) {
          this.finish(url, e, { ...this.skipped(url, "not-checked"), error: String((err as Error)?.message ?? err) });
        } finally {
          this.releaseActive();
          this.running--;
        }
      }
    } finally {
      this.workers.set(host, (this.workers.get(host) ?? 1) - 1);
      if (q.length === 0) this.queues.delete(host);
      this.maybeIdle();
    }
  }

  private takeActive(): Promise<void> {
    if (this.active < this.maxActive) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((r) => this.activeWaiters.push(() => (this.active++, r())));
  }

  private releaseActive(): void {
    this.active--;
    this.activeWaiters.shift()?.();
  }

  private maybeIdle(): void {
    if (!this.walkDone || this.running > 0 || this.queuedCount() > 0) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }

  /** Check one URL: HEAD or GET as the link calls for, GET again when HEAD is refused or fails. */
  private async checkOne(url: string, e: Entry): Promise<LinkCheck> {
    const f = this.o.fetcher;
    if (e.sameSite && !e.headFirst && this.o.sitePage) return this.o.sitePage(url, { timeoutRetries: this.timedOutBefore(url) ? 0 : 1 });
    if (this.o.attachments && e.attachment && e.sameSite && attachmentFormatOfUrl(url)) return this.download(url, e, this.o.attachments);
    if (e.headFirst && !e.wantsGet) {
      const head = await f.fetch(url, { method: "HEAD", priority: PRIORITY.check, retries: 0, timeoutRetries: 0 });
      const fallback = this.needsGet(head, e);
      if (!fallback) return classify({ outcome: head, attachment: e.attachment, checkedAt: this.o.now().toISOString(), probe: null });
      this.stats.headFallbacks++;
      // Honour a Retry-After the HEAD got before asking again.
      if (head.status === 429 || head.status === 503) {
        const wait = parseRetryAfter(headerValue(head.headers, "retry-after"), Date.now());
        if (wait !== undefined && wait <= 30_000) f.limiter.pause(hostKey(head.finalUrl), wait);
      }
      // A HEAD that timed out has cost a whole timeout already; the GET gets no second one.
      return this.get(url, e, head.attempts, head.error?.kind === "timeout");
    }
    return this.get(url, e, 0);
  }

  /** The last crawl already waited in vain for this URL: once more is enough (a hang costs a whole timeout). */
  /** URLs whose last check, at or after `since` (ISO), timed out. */
  timedOutSince(since: string): string[] {
    const t = Date.parse(since);
    const out: string[] = [];
    for (const [url, c] of this.o.previous ?? []) if (c.outcome === "broken" && c.reason === "timeout" && Date.parse(c.checkedAt) >= t) out.push(url);
    return out;
  }

  private timedOutBefore(url: string): boolean {
    const prev = this.o.previous?.get(url);
    return prev?.outcome === "broken" && prev.reason === "timeout";
  }

  private needsGet(head: FetchOutcome, e: Entry): boolean {
    if (head.blocked || head.redirectProblem) return false;
    if (head.error) return head.error.kind !== "dns" && head.error.kind !== "aborted";
    const s = head.status ?? 0;
    if (s >= 400 || s < 200) return true;
    if (s >= 300) return false;
    if (e.attachment && contentLengthOf(head.headers) === 0) return true; // confirm an empty file with GET
    // An attachment link answered by an HTML page is often the site's "not found" page: look at it.
    if (e.attachment && isHtmlContentType(headerValue(head.headers, "content-type"))) return true;
    return false;
  }

  /**
   * Check an attachment and download it in one GET (conditional when the last crawl scanned it): a 304 reuses the
   * last scan; a new body is scanned on the parse thread; a file over the cap is not read (its first byte only).
   */
  private async download(url: string, e: Entry, a: AttachmentDownloads): Promise<LinkCheck> {
    const prev = this.o.previous?.get(url);
    const reusable = prev?.outcome === "ok" && prev.scan && (prev.etag || prev.lastModified) ? prev : undefined;
    const conditional = reusable ? { etag: reusable.etag, lastModified: reusable.lastModified } : undefined;
    let declared: number | undefined;
    const bodyLimit = (status: number, headers: IncomingHttpHeaders) => {
      if (status < 200 || status >= 300) return 0;
      if (isHtmlContentType(headerValue(headers, "content-type"))) return this.maxGetBytes;
      declared = contentLengthOf(headers);
      return declared !== undefined && declared > a.maxBytes ? 0 : a.maxBytes;
    };
    const { check, out } = await this.getWith(url, e, 0, false, bodyLimit, conditional);
    if (reusable && out.status === 304) {
      this.stats.attachmentsUnchanged++;
      return { ...reusable, checkedAt: check.checkedAt, attempts: check.attempts, elapsedMs: check.elapsedMs, method: "GET" };
    }
    if (check.outcome !== "ok" || isHtmlContentType(check.contentType) || !out.body) return check;
    const etag = headerValue(out.headers, "etag");
    const lastModified = headerValue(out.headers, "last-modified");
    if (etag) check.etag = etag;
    if (lastModified) check.lastModified = lastModified;
    if (out.truncated) {
      this.stats.attachmentsTooLarge++;
      check.scan = { numbers: [], skipped: "too-large", ...(declared !== undefined ? { bytes: declared } : {}) };
      return check;
    }
    this.stats.attachmentsScanned++;
    this.stats.attachmentBytes += out.body.length;
    check.scan = await a.scan(out.body, { url: out.finalUrl, contentType: check.contentType });
    return check;
  }

  private async get(url: string, e: Entry, priorAttempts: number, timedOut = false): Promise<LinkCheck> {
    const max = this.maxGetBytes;
    const bodyLimit = (status: number, headers: IncomingHttpHeaders) => (status >= 200 && status < 300 && isHtmlContentType(headerValue(headers, "content-type")) ? max : 0);
    return (await this.getWith(url, e, priorAttempts, timedOut, bodyLimit)).check;
  }

  private async getWith(
    url: string,
    e: Entry,
    priorAttempts: number,
    timedOut: boolean,
    bodyLimit: (status: number, headers: IncomingHttpHeaders) => number,
    conditional?: { etag?: string; lastModified?: string },
  ): Promise<{ check: LinkCheck; out: FetchOutcome }> {
    const out = await this.o.fetcher.fetch(url, {
      method: "GET",
      priority: PRIORITY.check,
      timeoutRetries: timedOut || this.timedOutBefore(url) ? 0 : 1,
      bodyLimit,
      ...(conditional ? { conditional } : {}),
    });
    let page: PageFacts | undefined;
    const ct = headerValue(out.headers, "content-type");
    const isHtml = isHtmlContentType(ct);
    if (out.status !== undefined && out.status >= 200 && out.status < 300 && isHtml && out.body) {
      page = this.o.extract(out.body, { url, finalUrl: out.finalUrl, status: out.status, contentType: ct });
    }
    const judged = out.status !== undefined && out.status >= 200 && out.status < 300 && (isHtml || out.hops.length > 1);
    const probe = judged ? await this.o.probes.forUrl(out.finalUrl) : null;
    const emptyBody = out.status !== undefined && out.status >= 200 && out.status < 300 && (out.body?.length ?? 0) === 0 && !out.truncated;
    const check = classify({ outcome: out, page, probe, attachment: e.attachment && !isHtml, emptyBody, checkedAt: this.o.now().toISOString(), priorAttempts });
    return { check, out };
  }
}
