// From what happened on the wire (FetchOutcome) to what it means for a link (LinkCheck). Pure.
import type { IncomingHttpHeaders } from "node:http";
import type { BrokenReason, LinkCheck } from "../types.js";
import type { FetchOutcome } from "../crawl/fetcher.js";
import { judgePage, type ErrorFingerprint } from "./soft404.js";

export interface PageFacts {
  title?: string;
  text?: string;
  anchors?: string[];
}

/** Longest anchor list kept per checked page (fragment checks only need the ids). */
export const MAX_ANCHORS = 5000;

export function headerValue(headers: IncomingHttpHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

export function contentLengthOf(headers: IncomingHttpHeaders | undefined): number | undefined {
  const v = headerValue(headers, "content-length");
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number(v);
}

/** HTML (or something a browser would show as a page), judged by the Content-Type header. */
export function isHtmlContentType(ct: string | undefined): boolean {
  if (!ct) return false;
  return /^\s*(text\/html|application\/xhtml\+xml)/i.test(ct);
}

export function statusReason(status: number): BrokenReason | undefined {
  if (status === 404 || status === 410) return "http-404";
  if (status >= 400 && status <= 499) return "http-4xx";
  if (status >= 500) return "http-5xx";
  return undefined;
}

export interface ClassifyInput {
  outcome: FetchOutcome;
  /** Title/text/anchors when the answer was HTML fetched with GET. */
  page?: PageFacts;
  /** The host's error page, when probed. */
  probe?: ErrorFingerprint | null;
  /** The link points at an attachment (.pdf …): an empty body is a defect. */
  attachment?: boolean;
  /** When the request was a GET and its body was looked at: true when it had no byte at all. */
  emptyBody?: boolean;
  checkedAt: string;
  /** Attempts of earlier requests for this link (a HEAD before the GET). */
  priorAttempts?: number;
}

export function classify(input: ClassifyInput): LinkCheck {
  const { outcome: o, page, probe } = input;
  const check: LinkCheck = {
    url: o.url,
    outcome: "ok",
    redirects: o.hops.map((h) => ({ url: h.url, status: h.status })),
    method: o.method,
    attempts: o.attempts + (input.priorAttempts ?? 0),
    checkedAt: input.checkedAt,
    elapsedMs: o.elapsedMs,
  };
  if (o.status !== undefined) check.status = o.status;
  if (o.finalUrl !== o.url || o.hops.length > 1) check.finalUrl = o.finalUrl;
  const ct = headerValue(o.headers, "content-type");
  if (ct) check.contentType = ct;
  const cl = contentLengthOf(o.headers);
  if (cl !== undefined) check.contentLength = cl;
  if (page?.title !== undefined) check.title = page.title;
  if (page?.anchors) check.anchors = page.anchors.length > MAX_ANCHORS ? page.anchors.slice(0, MAX_ANCHORS) : page.anchors;

  if (o.blocked === "robots") return { ...check, outcome: "skipped", skipped: "robots", method: o.hops.length ? o.method : "none" };
  if (o.blocked === "private-address") return { ...check, outcome: "wrong", reason: "private-address", method: o.hops.length ? o.method : "none" };
  if (o.blocked === "scheme") return { ...check, outcome: "skipped", skipped: "scheme" };
  if (o.redirectProblem) return { ...check, outcome: "broken", reason: o.redirectProblem };
  if (o.error) {
    check.error = o.error.message;
    switch (o.error.kind) {
      case "aborted":
        return { ...check, outcome: "skipped", skipped: "not-checked" };
      case "dns":
        return { ...check, outcome: "broken", reason: "dns" };
      case "timeout":
        return { ...check, outcome: "broken", reason: "timeout" };
      case "protocol":
        if (o.error.code === "ERR_INVALID_URL") return { ...check, outcome: "broken", reason: "invalid-url" };
        return { ...check, outcome: "broken", reason: "connection" };
      default:
        return { ...check, outcome: "broken", reason: "connection" };
    }
  }
  const status = o.status ?? 0;
  // A 429 that outlived our retries says the server is busy with us, not that the link is dead.
  if (status === 429) return { ...check, outcome: "skipped", skipped: "not-checked", error: "429 Too Many Requests" };
  const bad = statusReason(status);
  if (bad) return { ...check, outcome: "broken", reason: bad };
  if (status >= 200 && status < 300) {
    if (input.attachment && input.emptyBody) return { ...check, outcome: "broken", reason: "empty-file" };
    const verdict = judgePage({
      requestedUrl: o.url,
      finalUrl: o.finalUrl,
      status,
      redirected: o.hops.length > 1,
      title: page?.title,
      text: page?.text,
      probe,
    });
    if (verdict.verdict === "soft-404" || verdict.verdict === "redirect-to-error")
      return { ...check, outcome: "broken", reason: verdict.verdict, error: verdict.why };
    if (verdict.verdict === "redirect-to-home") return { ...check, outcome: "wrong", reason: "redirect-to-home", error: verdict.why };
  }
  return check;
}
