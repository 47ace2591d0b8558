// The bench's arithmetic: bounds, efficiency, shares, growth, CPU-profile summaries. Pure: no I/O, no clocks.

/** Requests the site served, per host (`127.0.0.1:8080`), as counted by the site process. */
export interface HostCounts {
  requests: number;
  /** Distinct URLs (host + path + query) requested, whatever the method. */
  uniqueUrls: number;
  get: number;
  head: number;
  /** Requests carrying If-None-Match or If-Modified-Since. */
  conditional: number;
  /** Responses with status 304. */
  notModified: number;
  /** Response bytes (status line, headers and body) as written to the socket. */
  bytesOut: number;
  /** Most requests in flight at once to this host. */
  maxInFlight: number;
  /**
   * Time requests spent open (arrival to answer or abort), summed: the host's slot time. A URL that hangs until the
   * client gives up counts for as long as the client waited.
   */
  busyMs: number;
  /**
   * The client's turnaround: on a kept-alive connection, the time from one answer being sent to the next request
   * arriving, summed, and how many such gaps there were. Large gaps mean the checker was busy (or idle) instead of
   * asking: slots wasted at the politeness limit.
   */
  turnaroundMs: number;
  turnarounds: number;
  /** Median and 90th percentile of those gaps (ms). */
  turnaroundMedianMs?: number;
  turnaroundP90Ms?: number;
  /** HTML pages served whole (GET, 2xx) and the links (href/src attributes) on them. */
  htmlPages: number;
  linksOnPages: number;
  /** Milliseconds spent with k requests in flight (index k), from the host's first request to the counters' read. */
  msAtInFlight?: number[];
  /** URLs the client asked for that the site never answered (each costs the client a whole timeout, at least once). */
  neverAnsweredUrls?: number;
  /** Waits the site asked for with Retry-After (429/503), summed, ms. */
  retryAfterMs?: number;
  /** When the host's first request arrived and its last answer went out, ms after the counters' reset. */
  firstRequestMs?: number;
  lastAnswerMs?: number;
}

export interface SiteCounts {
  hosts: Record<string, HostCounts>;
  total: HostCounts;
}

export function emptyHostCounts(): HostCounts {
  return { requests: 0, uniqueUrls: 0, get: 0, head: 0, conditional: 0, notModified: 0, bytesOut: 0, maxInFlight: 0, busyMs: 0, turnaroundMs: 0, turnarounds: 0, htmlPages: 0, linksOnPages: 0 };
}

/** Sum per-host counts (maxInFlight: the largest of them, since hosts are limited separately). */
export function totalOf(hosts: Record<string, HostCounts>): HostCounts {
  const t = emptyHostCounts();
  for (const h of Object.values(hosts)) {
    t.requests += h.requests;
    t.uniqueUrls += h.uniqueUrls;
    t.get += h.get;
    t.head += h.head;
    t.conditional += h.conditional;
    t.notModified += h.notModified;
    t.bytesOut += h.bytesOut;
    t.busyMs += h.busyMs;
    t.turnaroundMs += h.turnaroundMs;
    t.turnarounds += h.turnarounds;
    t.htmlPages += h.htmlPages;
    t.linksOnPages += h.linksOnPages;
    t.maxInFlight = Math.max(t.maxInFlight, h.maxInFlight);
  }
  return t;
}

/**
 * The politeness bound in seconds: the fastest a crawl can be when every host answers in `latencyMs` and takes at
 * most `concurrency` requests at a time. Hosts are served in parallel, so the busiest host sets the bound.
 * `requestsNeeded` per host is one request per unique URL (what a crawler that wastes nothing must send).
 */
export function boundSeconds(requestsNeededByHost: number[], latencyMs: number, concurrency: number): number {
  if (concurrency <= 0) throw new Error("concurrency must be positive");
  const busiest = requestsNeededByHost.reduce((m, n) => Math.max(m, n), 0);
  return (busiest * latencyMs) / concurrency / 1000;
}

/**
 * The politeness bound plus the waits the site itself demands, in seconds: a URL that never answers holds one slot
 * for one whole timeout before any client can know (retrying it is the client's choice, not counted), and a
 * Retry-After asks the client to send nothing for that long. For the busiest host (by unique URLs).
 */
export function boundWithWaitsSeconds(
  hosts: { uniqueUrls: number; neverAnsweredUrls?: number; retryAfterMs?: number }[],
  latencyMs: number,
  concurrency: number,
  timeoutMs: number,
): number {
  if (concurrency <= 0) throw new Error("concurrency must be positive");
  const h = [...hosts].sort((a, b) => b.uniqueUrls - a.uniqueUrls)[0];
  if (!h) return 0;
  const never = h.neverAnsweredUrls ?? 0;
  return (((h.uniqueUrls - never) * latencyMs + never * timeoutMs) / concurrency + (h.retryAfterMs ?? 0)) / 1000;
}

/**
 * The bound counting what the site really took: the busiest host's summed request time ÷ concurrency, in seconds.
 * Differs from boundSeconds when some URLs answer slowly or never (a hang costs a slot until the client's timeout).
 */
export function slotBoundSeconds(busyMsByHost: number[], concurrency: number): number {
  if (concurrency <= 0) throw new Error("concurrency must be positive");
  return busyMsByHost.reduce((m, n) => Math.max(m, n), 0) / concurrency / 1000;
}

/** bound ÷ wall: 1.0 is a crawl exactly at the politeness limit. Undefined when there is no bound (zero latency). */
export function efficiency(boundSecs: number, wallSecs: number): number | undefined {
  if (!(boundSecs > 0) || !(wallSecs > 0)) return undefined;
  return boundSecs / wallSecs;
}

/** part ÷ whole, undefined when whole is 0. */
export function share(part: number, whole: number): number | undefined {
  if (!(whole > 0)) return undefined;
  return part / whole;
}

/**
 * The exponent k in rss ∝ size^k between two measurements: 1 is linear growth, below 1 sub-linear.
 * Computed on the whole RSS (runtime baseline included), as the target speaks of the process's peak RSS.
 */
export function growthExponent(sizeA: number, valueA: number, sizeB: number, valueB: number): number | undefined {
  if (!(sizeA > 0 && sizeB > 0 && valueA > 0 && valueB > 0) || sizeA === sizeB) return undefined;
  return Math.log(valueB / valueA) / Math.log(sizeB / sizeA);
}

const LINK_ATTR = /<(?:a|area|img|iframe|frame|embed|link|script|source|video|audio)\b[^>]*?\s(?:href|src)\s*=/gi;

/** Links in an HTML body (elements with href/src), counted on the bytes: charset-independent for ASCII markup. */
export function countLinks(html: string): number {
  let n = 0;
  LINK_ATTR.lastIndex = 0;
  while (LINK_ATTR.exec(html)) n++;
  return n;
}

/** Whether a response body looks like an HTML page (its first bytes). */
export function looksLikeHtml(head: string): boolean {
  return /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype html|html)[\s>]/i.test(head);
}

/** The q-quantile (0…1) of a non-empty list, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) throw new Error("quantile of nothing");
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------------------------
// CPU profiles (the .cpuprofile JSON node --cpu-prof writes)

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeRow {
  /** `functionName (file:line)`, or the V8 pseudo-frame name ((garbage collector), (idle) …). */
  name: string;
  /** Where it lives, shortened: `crawler/check/index.ts`, `node_modules/cheerio`, `node:internal/…`. */
  where: string;
  selfMs: number;
  /** Share of the profile's non-idle time. */
  share: number;
}

/** `:line` (1-based), or nothing for code that is all on its first line (TypeScript as tsx hands it to V8). */
function lineSuffix(lineNumber: number): string {
  return lineNumber > 0 ? `:${lineNumber + 1}` : "";
}

/** Shorten a profile URL to something a reader recognises. */
export function shortLocation(url: string, root?: string): string {
  if (!url) return "(native)";
  let u = url.replace(/^file:\/\//, "");
  if (root && u.startsWith(root)) u = u.slice(root.length).replace(/^\/+/, "");
  const nm = u.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = u.slice(nm + "node_modules/".length).split("/");
    const pkg = rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
    return `node_modules/${pkg}/${rest.slice(rest[0].startsWith("@") ? 2 : 1).join("/")}`;
  }
  return u;
}

/** The package (or top folder of our own code) a location belongs to: `cheerio`, `crawler/check`, `node:internal`. */
export function moduleOf(where: string): string {
  if (where.startsWith("node_modules/")) {
    const parts = where.slice("node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (where.startsWith("node:")) return where.split("/")[0] === "node:internal" ? "node:internal" : where.split("/")[0];
  if (where.startsWith("(")) return where;
  const parts = where.split("/");
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * Self time per function from a V8 CPU profile: each sample's time (its timeDelta) goes to the frame that was
 * running. Idle time is dropped; shares are of the busy time. Sorted by self time, largest first.
 */
export function selfTimes(profile: CpuProfile, root?: string): { rows: SelfTimeRow[]; busyMs: number; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  let busyUs = 0;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    // timeDeltas[i] is the time before sample i; the next delta is how long sample i ran. V8's own tools use the
    // next delta when there is one.
    const dt = Math.max(0, profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0);
    totalUs += dt;
    if (!node) continue;
    const cf = node.callFrame;
    // (idle) is the event loop waiting on I/O; (program) and (garbage collector) are real CPU and stay in.
    if (cf.functionName === "(idle)") continue;
    busyUs += dt;
    // V8's pseudo-frames ((garbage collector), (program)) stand for themselves; other frames without a URL are native.
    const where = cf.url ? shortLocation(cf.url, root) : cf.functionName.startsWith("(") ? cf.functionName : "(native)";
    const name = cf.url ? `${cf.functionName || "(anonymous)"} (${where}${lineSuffix(cf.lineNumber)})` : cf.functionName || "(anonymous)";
    const cur = selfUs.get(name);
    if (cur) cur.us += dt;
    else selfUs.set(name, { name, where, us: dt });
  }
  const rows = [...selfUs.values()]
    .map((r) => ({ name: r.name, where: r.where, selfMs: r.us / 1000, share: busyUs ? r.us / busyUs : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return { rows, busyMs: busyUs / 1000, totalMs: totalUs / 1000 };
}

/** Self time summed per module (package or our own folder), largest first. */
export function selfTimesByModule(rows: SelfTimeRow[]): { module: string; selfMs: number; share: number }[] {
  const m = new Map<string, { selfMs: number; share: number }>();
  for (const r of rows) {
    const key = moduleOf(r.where);
    const cur = m.get(key) ?? { selfMs: 0, share: 0 };
    cur.selfMs += r.selfMs;
    cur.share += r.share;
    m.set(key, cur);
  }
  return [...m.entries()].map(([module, v]) => ({ module, ...v })).sort((a, b) => b.selfMs - a.selfMs);
}

/**
 * Total time per function including its callees (inclusive time), for the given frames only: answers "how much of
 * the crawl is under cheerio.load / under our extract()". A frame that appears several times on one stack counts once.
 */
export function inclusiveTimes(profile: CpuProfile, match: (functionName: string, url: string) => boolean, root?: string): { name: string; totalMs: number }[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = Math.max(0, profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0);
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id)?.callFrame;
      if (!cf || !match(cf.functionName, cf.url)) continue;
      const name = `${cf.functionName || "(anonymous)"} (${shortLocation(cf.url, root)}${lineSuffix(cf.lineNumber)})`;
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + dt);
    }
  }
  return [...totals.entries()].map(([name, us]) => ({ name, totalMs: us / 1000 })).sort((a, b) => b.totalMs - a.totalMs);
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

export function fmtNum(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return "–";
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtPct(n: number | undefined, digits = 0): string {
  return n === undefined || !Number.isFinite(n) ? "–" : `${(n * 100).toFixed(digits)}%`;
}

export function fmtBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "–";
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 ** 3).toFixed(2)} GB`;
  if (n >= 1024 * 1024) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

/** A Markdown table; cells are escaped so a `|` in a value cannot break the layout. */
export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [`| ${header.map(esc).join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(" | ")} |`);
  return lines.join("\n");
}

/** A plain-text table for the terminal, columns padded (CJK characters count double). */
export function textTable(header: string[], rows: string[][]): string {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const cols = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c + " ".repeat(cols[i] - width(c)) : " ".repeat(cols[i] - width(c)) + c)).join("  ");
  return [line(header), cols.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
