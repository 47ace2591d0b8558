// Soft 404s: pages that answer 200 (or redirect somewhere that does) although what was asked for is gone.
// Pure judgement: the probe of each host (probe.ts) supplies what the host's own error page looks like; these
// functions only compare. They stay quiet when unsure: a wrongly reported link costs a maintainer's trust.

/** Phrases Chinese (and English) CMS error pages use. Matched on whitespace-free text. */
export const ERROR_PHRASES = [
  "页面不存在",
  "网页不存在",
  "您访问的页面不存在",
  "访问的页面不存在",
  "页面已被删除",
  "已被删除或不存在",
  "或已被删除",
  "找不到页面",
  "找不到该页面",
  "页面找不到",
  "页面未找到",
  "未找到页面",
  "无法找到该页",
  "无法找到页面",
  "请求的页面不存在",
  "信息不存在或已删除",
  "文章不存在",
  "该信息已删除",
  "该页面已删除",
  "资源不存在",
  "404错误",
  "错误404",
  "404notfound",
  "pagenotfound",
  "thepageyourequested",
  "filenotfound",
  "notfound(404)",
];

function squash(s: string): string {
  return s.replace(/[\s\u3000\u00a0]+/g, "").toLowerCase();
}

export function hasErrorPhrase(s: string): boolean {
  const t = squash(s);
  return ERROR_PHRASES.some((p) => t.includes(p));
}

/** A title that says "404" or "error page" on its own (「404」, 「404 - 页面不存在」, 「错误页面」). */
export function isErrorTitle(title: string): boolean {
  const t = squash(title);
  if (!t) return false;
  if (hasErrorPhrase(t)) return true;
  return /^(http)?(error)?[-:：_]?404\b/.test(t) || /^404[^0-9]/.test(t) || t === "404" || t === "错误页面" || t === "错误提示" || t === "notfound";
}

/**
 * The page's own words say it is an error page, with little else on it. A long page that merely mentions the phrase
 * (a notice about a deleted page, say) is not an error page.
 */
export function looksLikeErrorPage(title: string, text: string): boolean {
  if (isErrorTitle(title)) return true;
  const t = squash(text);
  if (!hasErrorPhrase(t)) return false;
  if (t.length <= 600) return true;
  // Longer error pages (site chrome around the message) are left to the host's probe fingerprint.
  return t.length <= 1000 && hasErrorPhrase(t.slice(0, 100));
}

/** The error page's look, learnt once per host by fetching a URL that cannot exist. */
export interface ErrorFingerprint {
  /** Final status of the probe (404 for a well-behaved host). */
  status: number;
  /** Where the probe ended after redirects. */
  finalUrl: string;
  redirected: boolean;
  /** Character trigrams of the error page's text (digits and the probe's own path removed). */
  grams: string[];
  textLength: number;
}

export function textGrams(text: string, remove: string[] = []): string[] {
  let t = text;
  for (const r of remove) if (r) t = t.split(r).join(" ");
  t = squash(t).replace(/[0-9]+/g, "#").slice(0, 3000);
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= t.length; i++) grams.add(t.slice(i, i + 3));
  return [...grams];
}

/** Jaccard similarity of two gram sets (0..1). */
export function similarity(a: string[] | Set<string>, b: string[] | Set<string>): number {
  const A = a instanceof Set ? a : new Set(a);
  const B = b instanceof Set ? b : new Set(b);
  if (A.size === 0 && B.size === 0) return 1;
  let inter = 0;
  for (const g of A) if (B.has(g)) inter++;
  return inter / (A.size + B.size - inter);
}

/** Same text as the host's error page (the soft-404 page the probe got)? */
export function matchesFingerprint(text: string, fp: ErrorFingerprint, requestedUrl?: string): boolean {
  if (fp.grams.length < 5) return false;
  const removed = requestedUrl ? [requestedUrl, safePath(requestedUrl)] : [];
  const grams = textGrams(text, removed);
  const ratio = grams.length / fp.grams.length;
  if (ratio < 0.5 || ratio > 2) return false;
  return similarity(grams, fp.grams) >= 0.8;
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

const HOME_PATHS = /^\/(?:(?:index|default|home|main)\.(?:s?html?|jsp|php|aspx?)|index)?$/i;

/** The site's front page: `/`, `/index.html`, `/default.aspx` … */
export function isHomeUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return HOME_PATHS.test(u.pathname) && (u.search === "" || u.search === "?");
  } catch {
    return false;
  }
}

/** An error page's address: /404.html, /error/…, /notfound.jsp, ?error=404 … */
export function isErrorUrl(url: string): boolean {
  try {
    const u = new URL(url);
    const p = u.pathname.toLowerCase();
    if (/(^|\/)(40[34]|50[0-9]|error|errors|err|notfound|not[-_]found|pagenotfound|page[-_]not[-_]found)(\.[a-z]+)?\/?$/.test(p)) return true;
    if (/(^|\/)(error|errors|404)\//.test(p)) return true;
    if (/(^|\/)(40[34]|error|notfound)[-_][^/]*\.[a-z]+$/.test(p)) return true;
    return /[?&](error|err|code|status)=40[34]\b/.test(u.search.toLowerCase()) || /[?&]aspxerrorpath=/.test(u.search.toLowerCase());
  } catch {
    return false;
  }
}

/** Redirects that change nothing a reader would notice: http→https, a trailing slash, www., index.html. */
export function isCosmeticRedirect(from: string, to: string): boolean {
  try {
    const a = new URL(from);
    const b = new URL(to);
    const host = (h: string) => h.toLowerCase().replace(/^www\./, "");
    if (host(a.hostname) !== host(b.hostname)) return false;
    const path = (p: string) => p.replace(/\/(index|default)\.(s?html?|jsp|php|aspx?)$/i, "/").replace(/\/+$/, "") || "/";
    return path(a.pathname) === path(b.pathname) && (a.search === b.search || b.search === "");
  } catch {
    return false;
  }
}

export type PageVerdict =
  | { verdict: "ok" }
  | { verdict: "soft-404" | "redirect-to-error" | "redirect-to-home"; why: string };

export interface JudgeInput {
  requestedUrl: string;
  finalUrl: string;
  /** Final status. */
  status: number;
  /** True when at least one redirect was followed. */
  redirected: boolean;
  /** Known only when the final answer was HTML fetched with GET. */
  title?: string;
  text?: string;
  /** The host's error page, when probed. */
  probe?: ErrorFingerprint | null;
}

/**
 * Is an answer that looks successful really the page the link promises? Only 2xx answers are judged here;
 * 4xx/5xx are plainly broken and classified elsewhere.
 */
export function judgePage(input: JudgeInput): PageVerdict {
  const { requestedUrl, finalUrl, status, redirected, title = "", text, probe } = input;
  if (status < 200 || status >= 300) return { verdict: "ok" };
  const haveText = text !== undefined;
  if (redirected && finalUrl !== requestedUrl) {
    if (isErrorUrl(finalUrl) && !isErrorUrl(requestedUrl)) return { verdict: "redirect-to-error", why: `跳转到错误页 ${finalUrl}` };
    if (haveText && looksLikeErrorPage(title, text!)) return { verdict: "redirect-to-error", why: "跳转后的页面显示“页面不存在”" };
    if (haveText && probe && probe.status >= 200 && probe.status < 300 && matchesFingerprint(`${title} ${text!}`, probe, requestedUrl))
      return { verdict: "redirect-to-error", why: "跳转后的页面与本站的错误页相同" };
    if (isHomeUrl(finalUrl) && !isHomeUrl(requestedUrl) && !isCosmeticRedirect(requestedUrl, finalUrl))
      return { verdict: "redirect-to-home", why: `具体页面被跳转到首页 ${finalUrl}` };
    if (probe?.redirected && probe.finalUrl === finalUrl && !isCosmeticRedirect(requestedUrl, finalUrl))
      return { verdict: "redirect-to-error", why: `跳转到与不存在页面相同的地址 ${finalUrl}` };
    return { verdict: "ok" };
  }
  if (!haveText) return { verdict: "ok" };
  if (looksLikeErrorPage(title, text!)) return { verdict: "soft-404", why: "页面返回 200，但内容是“页面不存在”" };
  if (probe && !probe.redirected && probe.status >= 200 && probe.status < 300 && matchesFingerprint(`${title} ${text!}`, probe, requestedUrl))
    return { verdict: "soft-404", why: "页面返回 200，但内容与本站的错误页相同" };
  return { verdict: "ok" };
}

/** A path on the host that cannot exist, for the probe. */
export function probeUrlFor(origin: string, random: string): string {
  return `${origin.replace(/\/+$/, "")}/gongkai-probe-${random}/not-here-${random}.html`;
}
