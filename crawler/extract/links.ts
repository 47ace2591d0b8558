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
 * - `srcset`, `data-src` (lazy images) and CSS `url()` are not read.
 */
const LINK_ATTRS: Record<string, { attr: string; tag: LinkTag }> = {
  a: { attr: "href", tag: "a" },
  area: { attr: "href", tag: "area" },
  img: { attr: "src", tag: "img" },
  iframe: { attr: "src", tag: "iframe" },
  frame: { attr: "src", tag: "frame" },
  embed: { attr: "src", tag: "embed" },
  object: { attr: "data", tag: "object" },
  link: { attr: "href", tag: "link" },
  script: { attr: "src", tag: "script" },
  source: { attr: "src", tag: "source" },
  video: { attr: "src", tag: "video" },
  audio: { attr: "src", tag: "audio" },
};

export const LINK_SELECTOR = Object.entries(LINK_ATTRS)
  .map(([name, { attr }]) => `${name}[${attr}]`)
  .join(",");

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

/** Build one LinkRecord from an href as written. Never throws, whatever the href holds. */
export function linkRecord(raw: string, base: string, tag: LinkTag, text: string): LinkRecord {
  let scheme = classifyHref(raw);
  let url: string | null = null;
  let fragment: string | undefined;
  if (scheme === "http" || scheme === "fragment") {
    url = normalizeUrl(raw, base);
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
 * Every link on the page, in document order: a, area, img, iframe, frame, embed, object, link, script, source,
 * video, audio. Resolved against `<base href>`. Fragment-only hrefs (`#top`) carry the URL of the page they point
 * into, with scheme "fragment". Hrefs that cannot be an http(s) URL get url null and scheme "invalid".
 */
export function extractLinks($: CheerioAPI, pageUrl: string, base = baseUrlOf($, pageUrl)): LinkRecord[] {
  const out: LinkRecord[] = [];
  // Navigation repeats the same hrefs in header, sidebar and footer: resolve each distinct href once.
  const resolved = new Map<string, LinkRecord>();
  for (const el of scanOf($).linkElements) {
    const name = el.name.toLowerCase();
    const spec = LINK_ATTRS[name];
    if (!spec) continue;
    const raw = el.attribs[spec.attr];
    if (raw === undefined) continue;
    if (name === "link") {
      const rel = (el.attribs.rel ?? "").toLowerCase();
      if (/\b(dns-prefetch|preconnect)\b/.test(rel)) continue;
    }
    const text = linkText(el, name);
    const known = resolved.get(raw);
    if (known) {
      out.push({ ...known, tag: spec.tag, text });
      continue;
    }
    const rec = linkRecord(raw, base, spec.tag, text);
    if (resolved.size < 50_000) resolved.set(raw, rec);
    out.push(rec);
  }
  return out;
}
