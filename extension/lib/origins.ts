// Match patterns and origins: which monitored-site origins the built-in content-script matches already cover, and
// which need a runtime grant (optional_host_permissions) and a dynamically registered content script.

/** `http://127.0.0.1:8080` → `http://127.0.0.1:8080/*` */
export function originPattern(origin: string): string {
  return `${origin.replace(/\/+$/, "")}/*`;
}

/** Does a manifest match pattern (`http://127.0.0.1/*`, `https://*.gov.cn/*`) cover every page of `origin`? */
export function patternCoversOrigin(pattern: string, origin: string): boolean {
  if (pattern === "<all_urls>") return true;
  const m = /^(\*|https?):\/\/(\*|(?:\*\.)?[^/:]+)(?::(\d+|\*))?\/(.*)$/.exec(pattern);
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (!m) return false;
  const [, scheme, host, port, path] = m;
  if (path !== "*") return false; // only whole-site patterns cover an origin
  if (scheme !== "*" && `${scheme}:` !== u.protocol) return false;
  if (scheme === "*" && u.protocol !== "http:" && u.protocol !== "https:") return false;
  // Chrome: a pattern without a port matches every port.
  if (port !== undefined && port !== "*" && port !== (u.port || (u.protocol === "https:" ? "443" : "80"))) return false;
  if (host === "*") return true;
  if (host.startsWith("*.")) {
    const base = host.slice(2).toLowerCase();
    return u.hostname === base || u.hostname.endsWith(`.${base}`);
  }
  return u.hostname === host.toLowerCase();
}

/** Is `url` a page of one of the monitored origins? */
export function onMonitoredSite(url: string | undefined, origins: readonly string[]): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return (u.protocol === "http:" || u.protocol === "https:") && origins.includes(u.origin);
  } catch {
    return false;
  }
}
