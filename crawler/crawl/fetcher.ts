// Every request gongkai sends goes through Fetcher: one shared per-host limiter, robots.txt, the address rules,
// retries with backoff, redirects followed hop by hop (the chain recorded), the User-Agent, and the counters.
// It judges nothing about links: it reports what happened (checker/ and check/classify.ts judge).
import type { IncomingHttpHeaders } from "node:http";
import { classifyHost, hostKey, isNonPublicHost, normalizeUrl, parseHttpUrl } from "../../shared/url.js";
import { HostLimiter, PRIORITY, type Priority } from "./limiter.js";
import { httpRequest, NetError, type HttpResponse } from "./http.js";
import { decideRetry, type BackoffOptions, type NetErrorKind } from "./retry.js";
import { RobotsCache } from "./robots.js";

export const MAX_REDIRECTS = 10;

export interface FetchOptions {
  method: "GET" | "HEAD" | "POST";
  /**
   * POST only: an `application/x-www-form-urlencoded` body (a Hanweb jpage asks its dataproxy.jsp this way). A 301,
   * 302 or 303 answer turns the request into a GET without body, as browsers do; 307/308 repeat the POST.
   */
  form?: string;
  priority?: Priority;
  /** Body bytes to keep, decided from status and headers (see HttpRequest.bodyLimit). Default 0. */
  bodyLimit?: (status: number, headers: IncomingHttpHeaders) => number;
  /** Validators from the page cache, sent on the first hop only. */
  conditional?: { etag?: string; lastModified?: string };
  /** Retries for transient failures (default: the config's). */
  retries?: number;
  /** Retries after a timeout (default 1: each costs a whole timeout). */
  timeoutRetries?: number;
  /** Skip robots.txt (only for robots.txt itself). */
  ignoreRobots?: boolean;
}

export interface Hop {
  url: string;
  status: number;
}

export interface FetchOutcome {
  url: string;
  method: "GET" | "HEAD" | "POST";
  /** Every hop answered, in order; the last is the final answer (when there is one). */
  hops: Hop[];
  finalUrl: string;
  status?: number;
  headers?: IncomingHttpHeaders;
  body?: Buffer;
  truncated?: boolean;
  error?: { kind: NetErrorKind; message: string; code?: string };
  /** Not fetched (at the final hop): robots.txt says no, or a non-public address linked from a public site. */
  blocked?: "robots" | "private-address" | "scheme";
  redirectProblem?: "redirect-loop" | "too-many-redirects";
  /** Requests sent for this fetch, retries and hops included. */
  attempts: number;
  elapsedMs: number;
}

export interface FetcherStats {
  requests: number;
  bytes: number;
  retries: number;
  errors: number;
  robotsSkipped: number;
  privateSkipped: number;
}

export interface FetcherOptions {
  concurrency: number;
  timeoutMs: number;
  retries: number;
  respectRobots: boolean;
  userAgent: string;
  /**
   * True when the site itself lives on a public address: then links to loopback/private addresses are never
   * fetched. A site on such an address (an intranet, the demo site, a test server) is exempt.
   */
  publicSite: boolean;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
  /** Called for each request sent (url, method), for progress and tests. */
  onRequest?: (url: string, method: string) => void;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class Fetcher {
  readonly limiter: HostLimiter;
  readonly robots: RobotsCache;
  readonly stats: FetcherStats = { requests: 0, bytes: 0, retries: 0, errors: 0, robotsSkipped: 0, privateSkipped: 0 };

  constructor(readonly opts: FetcherOptions) {
    this.limiter = new HostLimiter(() => opts.concurrency);
    this.robots = new RobotsCache(async (robotsUrl) => {
      const r = await this.fetch(robotsUrl, { method: "GET", ignoreRobots: true, priority: PRIORITY.walk, bodyLimit: () => 512 * 1024, retries: 1 });
      if (r.error || r.blocked) return { error: r.error?.message ?? String(r.blocked) };
      return { status: r.status ?? 0, body: r.body?.toString("utf8") };
    });
  }

  /** A link to this URL must not be fetched because of where it points (non-public address from a public site). */
  isPrivateTarget(url: string): boolean {
    if (!this.opts.publicSite) return false;
    const u = parseHttpUrl(url);
    return !!u && isNonPublicHost(u.hostname);
  }

  async fetch(url: string, o: FetchOptions): Promise<FetchOutcome> {
    const started = Date.now();
    const out: FetchOutcome = { url, method: o.method, hops: [], finalUrl: url, attempts: 0, elapsedMs: 0 };
    const seen = new Set<string>();
    let current = url;
    let hopOptions = o;
    for (let hop = 0; ; hop++) {
      out.finalUrl = current;
      if (this.isPrivateTarget(current)) {
        this.stats.privateSkipped++;
        out.blocked = "private-address";
        break;
      }
      if (!o.ignoreRobots && this.opts.respectRobots && !(await this.robots.allowed(current))) {
        this.stats.robotsSkipped++;
        out.blocked = "robots";
        break;
      }
      seen.add(current);
      const res = await this.requestWithRetries(current, hopOptions, hop === 0 ? o.conditional : undefined, out);
      if (res instanceof NetError) {
        out.error = { kind: res.kind, message: res.message, code: res.code };
        this.stats.errors++;
        break;
      }
      out.hops.push({ url: current, status: res.status });
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(res.status) && location) {
        const next = normalizeUrl(String(location), current);
        if (!next) {
          // A redirect to a non-http(s) place (ftp:, javascript:): nothing we can follow.
          out.status = res.status;
          out.headers = res.headers;
          out.blocked = "scheme";
          break;
        }
        if (seen.has(next)) {
          out.redirectProblem = "redirect-loop";
          out.status = res.status;
          out.finalUrl = next;
          break;
        }
        if (hop + 1 >= MAX_REDIRECTS) {
          out.redirectProblem = "too-many-redirects";
          out.status = res.status;
          out.finalUrl = next;
          break;
        }
        current = next;
        if (hopOptions.method === "POST" && res.status !== 307 && res.status !== 308) hopOptions = { ...hopOptions, method: "GET", form: undefined };
        continue;
      }
      out.status = res.status;
      out.headers = res.headers;
      out.body = res.body;
      out.truncated = res.truncated;
      break;
    }
    out.elapsedMs = Date.now() - started;
    return out;
  }

  private headers(method: string, conditional?: { etag?: string; lastModified?: string }, form?: string): Record<string, string> {
    const h: Record<string, string> = {
      "user-agent": this.opts.userAgent,
      accept: method === "HEAD" ? "*/*" : "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "accept-language": "zh-CN,zh;q=0.9,en;q=0.5",
      "accept-encoding": "gzip, deflate, br",
    };
    if (method === "POST") {
      h["content-type"] = "application/x-www-form-urlencoded; charset=UTF-8";
      h["content-length"] = String(Buffer.byteLength(form ?? ""));
    }
    if (conditional?.etag) h["if-none-match"] = conditional.etag;
    if (conditional?.lastModified) h["if-modified-since"] = conditional.lastModified;
    return h;
  }

  /** One hop: attempts with backoff until an answer that is not transient, or retries run out. */
  private async requestWithRetries(
    url: string,
    o: FetchOptions,
    conditional: FetchOptions["conditional"],
    out: FetchOutcome,
  ): Promise<HttpResponse | NetError> {
    const host = hostKey(url);
    const retries = o.retries ?? this.opts.retries;
    for (let attempt = 1; ; attempt++) {
      const signal = this.opts.signal;
      let result: HttpResponse | NetError;
      try {
        await this.limiter.acquire(host, o.priority ?? PRIORITY.check, signal);
      } catch {
        return new NetError("aborted", "aborted", "ABORT_ERR");
      }
      try {
        this.stats.requests++;
        out.attempts++;
        this.opts.onRequest?.(url, o.method);
        result = await httpRequest({
          url,
          method: o.method,
          headers: this.headers(o.method, conditional, o.form),
          body: o.method === "POST" ? Buffer.from(o.form ?? "") : undefined,
          timeoutMs: this.opts.timeoutMs,
          bodyLimit: o.bodyLimit ?? (() => 0),
          signal,
          refuseAddress: this.opts.publicSite ? (addr) => classifyHost(addr) !== "public" : undefined,
        });
        this.stats.bytes += result.wireBytes;
      } catch (e) {
        result = e instanceof NetError ? e : new NetError("connection", String(e));
      } finally {
        this.limiter.release(host);
      }
      if (result instanceof NetError && result.kind === "aborted") return result;
      const decision = decideRetry(
        result instanceof NetError ? { error: result.kind } : { status: result.status, retryAfter: result.headers["retry-after"] },
        attempt,
        retries,
        Date.now(),
        this.opts.backoff,
        o.timeoutRetries ?? 1,
      );
      if (!decision.retry) return result;
      this.stats.retries++;
      // A host that asked us to wait (429 / 503 with Retry-After) gets the pause for all our requests, not just this one.
      if (!(result instanceof NetError) && result.headers["retry-after"] !== undefined) this.limiter.pause(host, decision.delayMs);
      if (!(await sleep(decision.delayMs, this.opts.signal))) return new NetError("aborted", "aborted", "ABORT_ERR");
    }
  }
}

/** Resolves true after `ms`, false when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
