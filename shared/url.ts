// URL normalisation: the one function that decides whether two URLs are the same page.
// Used by crawler (dedupe, one check per unique URL), server (findings for a page) and extension (which links to mark).

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/** Percent-encodings of unreserved characters mean the same as the characters themselves (RFC 3986 §6.2.2.2). */
function decodeUnreserved(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${hex.toUpperCase()}`;
  });
}

/**
 * Resolve `href` against `base` and normalise it: lower-case scheme and host, no default port, no fragment,
 * unreserved percent-escapes decoded, other escapes upper-cased, non-ASCII percent-encoded as UTF-8, dot segments
 * removed, empty query dropped. Query parameter order is kept: servers may care. Returns null for anything that is
 * not a valid http(s) URL.
 */
export function normalizeUrl(href: string, base?: string | URL): string | null {
  const u = parseHttpUrl(href, base);
  if (!u) return null;
  u.hash = "";
  if (DEFAULT_PORTS[u.protocol] === u.port) u.port = "";
  let s = u.toString();
  if (s.endsWith("?")) s = s.slice(0, -1);
  const q = s.indexOf("?");
  const head = q === -1 ? s : s.slice(0, q);
  const tail = q === -1 ? "" : s.slice(q);
  return decodeUnreserved(head) + decodeUnreserved(tail);
}

/** Parse an http(s) URL, tolerating the whitespace and unencoded characters real CMS pages leave in hrefs. */
export function parseHttpUrl(href: string, base?: string | URL): URL | null {
  // Browsers strip leading/trailing C0 controls and spaces, and remove tabs and newlines anywhere.
  const cleaned = href.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  if (cleaned.length > 8192) return null;
  let u: URL;
  try {
    u = base === undefined ? new URL(cleaned) : new URL(cleaned, base);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  if (!u.hostname) return null;
  return u;
}

/** The fragment of an href, decoded, or undefined. */
export function fragmentOf(href: string, base?: string | URL): string | undefined {
  const u = parseHttpUrl(href, base);
  if (!u || u.hash.length <= 1) return undefined;
  try {
    return decodeURIComponent(u.hash.slice(1));
  } catch {
    return u.hash.slice(1);
  }
}

/**
 * What a link points at, as gongkai tells links apart: the normalised URL, plus `#fragment` (decoded) when the href
 * names a non-empty one. A finding about a missing anchor is about that fragment alone (its targetUrl carries it);
 * every other finding is about the URL, whatever fragment a link adds. A bare trailing `#` names no fragment.
 */
export function linkTargetKey(href: string, base?: string | URL): string | null {
  const url = normalizeUrl(href, base);
  if (!url) return null;
  const fragment = fragmentOf(href, base);
  return fragment ? `${url}#${fragment}` : url;
}

export type LinkScheme = "http" | "mailto" | "tel" | "javascript" | "data" | "fragment" | "other" | "invalid";

/** What kind of href this is, before any fetching. `javascript:` variants with spaces or case tricks included. */
export function classifyHref(href: string): LinkScheme {
  const cleaned = href.replace(/[\u0000-\u0020]/g, "").toLowerCase();
  if (cleaned === "" || cleaned.startsWith("#")) return "fragment";
  const m = /^([a-z][a-z0-9+.-]*):/.exec(cleaned);
  if (!m) return "http"; // relative
  switch (m[1]) {
    case "http":
    case "https":
      return "http";
    case "mailto":
      return "mailto";
    case "tel":
    case "sms":
      return "tel";
    case "javascript":
    case "vbscript":
      return "javascript";
    case "data":
      return "data";
    default:
      return "other";
  }
}

/** Same origin (scheme, host, port) after normalisation. */
export function sameOrigin(a: string, b: string): boolean {
  const ua = parseHttpUrl(a);
  const ub = parseHttpUrl(b);
  return !!ua && !!ub && ua.origin === ub.origin;
}

/** Host key used for per-host limits: hostname plus port. */
export function hostKey(url: string): string {
  const u = parseHttpUrl(url);
  return u ? u.host.toLowerCase() : "";
}

// ---------------------------------------------------------------------------------------------------------------
// Address classification: a link from a public site to a private or loopback address is never fetched.

export type AddressClass = "loopback" | "private" | "link-local" | "unspecified" | "public" | "name";

function ipv4Parts(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/**
 * Classify a URL's host by address range. Names are "name" except `localhost` (and `*.localhost`), which are
 * loopback by definition. Pure: no DNS.
 */
export function classifyHost(hostname: string): AddressClass {
  let h = hostname.toLowerCase().replace(/\.$/, "");
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h === "localhost" || h.endsWith(".localhost")) return "loopback";
  const v4 = ipv4Parts(h);
  if (v4) return classifyV4(v4);
  if (h.includes(":")) return classifyV6(h);
  return "name";
}

function classifyV4([a, b]: number[]): AddressClass {
  if (a === 127) return "loopback";
  if (a === 0) return "unspecified";
  if (a === 10) return "private";
  if (a === 172 && b >= 16 && b <= 31) return "private";
  if (a === 192 && b === 168) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "private"; // carrier-grade NAT
  if (a === 169 && b === 254) return "link-local";
  return "public";
}

function embeddedV4(h: string): number[] | null {
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (dotted) return ipv4Parts(dotted[1]);
  const hex = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (!hex) return null;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255];
}

function classifyV6(h: string): AddressClass {
  if (h === "::1") return "loopback";
  if (h === "::") return "unspecified";
  // IPv4-mapped (::ffff:a.b.c.d) and the hex form the URL parser rewrites it to (::ffff:a00:1), plus the
  // deprecated IPv4-compatible form (::a00:1) and NAT64 (64:ff9b::/96): judge them by the IPv4 address inside.
  const embedded = embeddedV4(h);
  if (embedded) return classifyV4(embedded);
  if (/^f[cd][0-9a-f]{2}:/.test(h)) return "private"; // unique local fc00::/7
  if (/^fe[89ab][0-9a-f]:/.test(h)) return "link-local";
  return "public";
}

/** True when the address is not reachable from the public internet (loopback, private, link-local, unspecified). */
export function isNonPublicHost(hostname: string): boolean {
  const c = classifyHost(hostname);
  return c !== "public" && c !== "name";
}
