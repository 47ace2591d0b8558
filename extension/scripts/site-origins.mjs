// PLASMO_PUBLIC_SITE_ORIGINS → manifest match patterns. Kept apart from build.mjs so tests can import it.

/**
 * "https://a.gov.cn, http://127.0.0.1:8080/" → ["https://a.gov.cn/*", "http://127.0.0.1:8080/*"].
 * Throws an Error naming the bad entry when one is not an http(s) origin.
 */
export function sitePatterns(value) {
  const out = [];
  for (const part of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    let u;
    try {
      u = new URL(part);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:") || u.pathname !== "/" || u.search || u.hash || u.username)
      throw new Error(`PLASMO_PUBLIC_SITE_ORIGINS: "${part}" 不是站点来源 is not an origin (expected e.g. https://www.example.gov.cn)`);
    out.push(`${u.origin}/*`);
  }
  return [...new Set(out)];
}

/** Patch a built manifest: the content script runs on `patterns` only; host permissions follow. */
export function applySitePatterns(manifest, patterns) {
  for (const cs of manifest.content_scripts ?? []) cs.matches = patterns;
  // The site's origins, plus loopback for a findings server on this machine; other servers answer via CORS.
  manifest.host_permissions = [...new Set([...patterns, "http://127.0.0.1/*", "http://localhost/*"])];
  return manifest;
}
