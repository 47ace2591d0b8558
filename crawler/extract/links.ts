// Every link on a page, as it stands: what the maintainer wrote, where it points, what it says. Pure.
import type { CheerioAPI } from "cheerio";
import type { AnyNode, Element } from "domhandler";
import { classifyHref, fragmentOf, normalizeUrl, parseHttpUrl } from "../../shared/url.js";
import type { LinkRecord, LinkTag } from "../types.js";
import { scanOf } from "./scan.js";
import { collapse, textOf, walkTree } from "./text.js";

/** File extensions that make a link a downloadable attachment (images are not attachments: they are images). */
export const ATTACHMENT_EXTENSIONS = new Set([
  "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "zip", "rar", "7z", "txt", "csv",
  "rtf", "xml", "ceb", "tif", "tiff", "gz", "tar", "apk", "exe", "mp4", "mp3", "avi", "wmv", "flv", "odt", "ods",
]);

/**
 * Which element attributes are links. Decisions:
 * - `form[action]` is skipped: GETting an action URL is not checking a link (it expects a POST and inputs).
 * - `link[rel=dns-prefetch|preconnect]` is skipped: they name an origin, not a resource.
 * - `link[rel=canonical|alternate]` is kept: a canonical URL that is broken is a defect worth reporting.
 * - `srcset` (img, source), `video[poster]`, `track[src]`, `input[type=image][src]`, `body[background]` and
 *   `<meta http-equiv=refresh>` are read, as other link checkers do; each srcset candidate is its own link.
 * - `data-src` (lazy images), CSS `url()`, `cite` and `longdesc` are not read.
 */
export const LINK_SPECS: Record<string, { attr: string; tag: LinkTag }[]> = {
  a: [{ attr: "href", tag: "a" }],
  area: [{ attr: "href", tag: "area" }],
  img: [{ attr: "src", tag: "img" }, { attr: "srcset", tag: "img" }],
  iframe: [{ attr: "src", tag: "iframe" }],
  frame: [{ attr: "src", tag: "frame" }],
  embed: [{ attr: "src", tag: "embed" }],
  object: [{ attr: "data", tag: "object" }],
  link: [{ attr: "href", tag: "link" }],
  script: [{ attr: "src", tag: "script" }],
  source: [{ attr: "src", tag: "source" }, { attr: "srcset", tag: "source" }],
  video: [{ attr: "src", tag: "video" }, { attr: "poster", tag: "video" }],
  audio: [{ attr: "src", tag: "audio" }],
  track: [{ attr: "src", tag: "source" }],
  input: [{ attr: "src", tag: "img" }],
  body: [{ attr: "background", tag: "img" }],
  meta: [{ attr: "content", tag: "meta" }],
};

/** The URLs of a srcset ("a.png 1x, b.png 2x"), per the HTML candidate-string rules, without descriptors. */
export function srcsetUrls(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && /[\s,]/.test(value[i])) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && !/\s/.test(value[j])) j++;
    let url = value.slice(i, j);
    if (url.endsWith(",")) {
      url = url.replace(/,+$/, "");
      i = j;
    } else {
      // Skip the descriptors ("2x", "100w") up to the next comma outside parentheses.
      let depth = 0;
      while (j < n && !(value[j] === "," && depth === 0)) {
        if (value[j] === "(") depth++;
        else if (value[j] === ")") depth = Math.max(0, depth - 1);
        j++;
      }
      i = j + 1;
    }
    if (url) out.push(url);
    if (out.length >= 50) break;
  }
  return out;
}

/** The URL of `<meta http-equiv="refresh" content="5; url=/new/">`, if that is what the meta tag is. */
export function metaRefreshUrl(el: Element): string | undefined {
  if ((el.attribs["http-equiv"] ?? "").toLowerCase() !== "refresh") return undefined;
  const m = /^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(.+?)\1\s*$/i.exec(el.attribs.content ?? "");
  return m && !/^[\d.]+$/.test(m[2]) ? m[2] : undefined;
}

/** The raw URLs an element links to under one spec (several for srcset; none when the attribute does not apply). */
function rawUrls(el: Element, name: string, attr: string): string[] {
  const v = el.attribs[attr];
  if (v === undefined) return [];
  switch (name) {
    case "meta": {
      const u = metaRefreshUrl(el);
      return u ? [u] : [];
    }
    case "input":
      return (el.attribs.type ?? "").toLowerCase() === "image" ? [v] : [];
    case "link":
      return /\b(dns-prefetch|preconnect)\b/i.test(el.attribs.rel ?? "") ? [] : [v];
  }
  return attr === "srcset" ? srcsetUrls(v) : [v];
}

/** The extension (lower-case, no dot) of a URL path's last segment, or "". */
function extensionOf(pathname: string): string {
  const last = pathname.slice(pathname.lastIndexOf("/") + 1);
  const dot = last.lastIndexOf(".");
  return dot > 0 ? last.slice(dot + 1).toLowerCase() : "";
}

/** True when the URL points to a downloadable attachment: by its path's extension, or a download script's file name. */
export function isAttachmentUrl(href: string, base?: string): boolean {
  // String work on the normalised URL: this runs for every link of every page.
  const abs = base === undefined && /^https?:\/\//i.test(href) ? href : parseHttpUrl(href, base)?.toString();
  if (!abs) return false;
  const noHash = abs.split("#", 1)[0];
  const q = noHash.indexOf("?");
  const path = q === -1 ? noHash : noHash.slice(0, q);
  if (ATTACHMENT_EXTENSIONS.has(extensionOf(path))) return true;
  // /module/download/downfile.jsp?filename=通知.pdf and the like
  if (q !== -1) {
    for (const pair of noHash.slice(q + 1).split("&")) {
      const v = pair.slice(pair.indexOf("=") + 1);
      const ext = extensionOf(v.replace(/%2F/gi, "/"));
      if (ext && ATTACHMENT_EXTENSIONS.has(ext) && ext !== "xml" && ext !== "txt") return true;
    }
  }
  return false;
}

/** The base URL links resolve against: `<base href>` (itself resolved against the page) or the page URL. */
export function baseUrlOf($: CheerioAPI, pageUrl: string): string {
  const href = scanOf($).baseHref;
  if (href) {
    const u = parseHttpUrl(href, pageUrl);
    if (u) return u.toString();
  }
  return pageUrl;
}

/** normalizeUrl(raw, base), remembered for the document: the same hrefs recur in links, lists and pagers. */
export function resolveUrl($: CheerioAPI | undefined, raw: string, base: string): string | null {
  if (!$) return normalizeUrl(raw, base);
  const cache = scanOf($).resolved;
  const key = `${base}\n${raw}`;
  let u = cache.get(key);
  if (u === undefined) {
    u = normalizeUrl(raw, base);
    if (cache.size < 100_000) cache.set(key, u);
  }
  return u;
}

/** Build one LinkRecord from an href as written. Never throws, whatever the href holds. */
export function linkRecord(raw: string, base: string, tag: LinkTag, text: string, $?: CheerioAPI): LinkRecord {
  let scheme = classifyHref(raw);
  let url: string | null = null;
  let fragment: string | undefined;
  if (scheme === "http" || scheme === "fragment") {
    url = resolveUrl($, raw, base);
    if (url === null) scheme = "invalid";
    else if (raw.includes("#")) fragment = fragmentOf(raw, base);
  }
  const attachment = scheme === "http" && url !== null && isAttachmentUrl(url);
  const rec: LinkRecord = { raw, url, scheme, tag, text, attachment };
  if (fragment !== undefined) rec.fragment = fragment;
  return rec;
}

function linkText(el: Element, tagName: string): string {
  const attr = (name: string) => collapse(el.attribs[name] ?? "");
  if (tagName === "a") {
    const t = collapse(textOf(el));
    if (t) return t;
    // An image link: its alt says what it is.
    const img = findImg(el.children);
    if (img) {
      const alt = collapse(img.attribs.alt ?? "") || collapse(img.attribs.title ?? "");
      if (alt) return alt;
    }
    return attr("title") || attr("aria-label");
  }
  if (tagName === "area" || tagName === "img") return attr("alt") || attr("title");
  return attr("title");
}

function findImg(nodes: AnyNode[]): Element | undefined {
  let found: Element | undefined;
  for (const start of nodes) {
    walkTree(start, (n) => {
      if (n.type !== "tag") return n.type === "root" ? undefined : false;
      if ((n as Element).name === "img") {
        found = n as Element;
        return "stop";
      }
      return;
    });
    if (found) return found;
  }
  return undefined;
}

/**
 * Every link on the page, in document order: a, area, img (src, srcset), iframe, frame, embed, object, link, script,
 * source, video (src, poster), audio, track, input[type=image], body[background], meta refresh. Resolved against `<base href>`. Fragment-only hrefs (`#top`) carry the URL of the page they point
 * into, with scheme "fragment". Hrefs that cannot be an http(s) URL get url null and scheme "invalid".
 */
export function extractLinks($: CheerioAPI, pageUrl: string, base = baseUrlOf($, pageUrl)): LinkRecord[] {
  const out: LinkRecord[] = [];
  // Navigation repeats the same hrefs in header, sidebar and footer: resolve each distinct href once.
  const resolved = new Map<string, LinkRecord>();
  for (const el of scanOf($).linkElements) {
    const name = el.name.toLowerCase();
    const specs = LINK_SPECS[name];
    if (!specs) continue;
    for (const spec of specs) {
      for (const raw of rawUrls(el, name, spec.attr)) {
        const text = linkText(el, name);
        const known = resolved.get(raw);
        if (known) {
          out.push({ ...known, tag: spec.tag, text });
          continue;
        }
        const rec = linkRecord(raw, base, spec.tag, text, $);
        if (resolved.size < 50_000) resolved.set(raw, rec);
        out.push(rec);
      }
    }
  }
  return out;
}
