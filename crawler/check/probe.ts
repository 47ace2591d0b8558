// Learning a host's error page: one request per host, to a URL that cannot exist, remembered for the crawl.
// I/O only; soft404.ts judges.
import { randomBytes } from "node:crypto";
import type { Fetcher } from "../crawl/fetcher.js";
import { PRIORITY } from "../crawl/limiter.js";
import { probeUrlFor, textGrams, type ErrorFingerprint } from "./soft404.js";
import { headerValue, isHtmlContentType } from "./classify.js";

export type PageTextExtractor = (body: Buffer, meta: { url: string; finalUrl: string; status: number; contentType?: string }) => {
  title: string;
  text: string;
  anchors: string[];
};

export class ProbeCache {
  private probes = new Map<string, Promise<ErrorFingerprint | null>>();

  constructor(
    private readonly fetcher: Fetcher,
    private readonly extract: PageTextExtractor,
    private readonly maxBytes = 512 * 1024,
  ) {}

  /** The error page of `url`'s origin (probing it the first time). null when the probe itself failed. */
  forUrl(url: string): Promise<ErrorFingerprint | null> {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return Promise.resolve(null);
    }
    let p = this.probes.get(origin);
    if (!p) {
      p = this.probe(origin).catch(() => null);
      this.probes.set(origin, p);
    }
    return p;
  }

  private async probe(origin: string): Promise<ErrorFingerprint | null> {
    const url = probeUrlFor(origin, randomBytes(6).toString("hex"));
    const out = await this.fetcher.fetch(url, {
      method: "GET",
      priority: PRIORITY.walk,
      retries: 1,
      bodyLimit: (status, headers) => (status >= 200 && status < 300 && isHtmlContentType(headerValue(headers, "content-type")) ? this.maxBytes : 0),
    });
    if (out.status === undefined || out.error || out.blocked) return null;
    let grams: string[] = [];
    let textLength = 0;
    if (out.body && out.body.length > 0 && out.status >= 200 && out.status < 300) {
      const facts = this.extract(out.body, { url, finalUrl: out.finalUrl, status: out.status, contentType: headerValue(out.headers, "content-type") });
      let path = "";
      try {
        path = new URL(url).pathname;
      } catch {
        /* keep empty */
      }
      grams = textGrams(`${facts.title} ${facts.text}`, [url, path]);
      textLength = facts.text.length;
    }
    return { status: out.status, finalUrl: out.finalUrl, redirected: out.hops.length > 1, grams, textLength };
  }
}
