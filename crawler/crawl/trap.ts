// Crawler traps: pages that link to themselves without end (calendar.html?month=…, search.jsp?q=…&page=…).
// A trap is only ever unbounded URL growth: a pager that repeats the same items is not one (paginate.ts abandons
// that way of paging and tries the next).
// Pure bookkeeping; the walk asks before it fetches. A legitimate detail page reached from a list page is never
// counted: only query variants of a path discovered FROM a page of that same path are (a calendar's "next month"),
// which is what a trap is.

/** The URL without its query: one "path" of the site. */
export function pathKey(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** True when the path repeats a run of segments three times in a row (/a/b/a/b/a/b/): relative-link loops. */
export function hasRepeatingSegments(url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  const segs = path.split("/").filter(Boolean);
  if (segs.length > 30) return true;
  for (let len = 1; len <= Math.floor(segs.length / 3); len++) {
    for (let i = 0; i + 3 * len <= segs.length; i++) {
      const a = segs.slice(i, i + len).join("/");
      if (a === segs.slice(i + len, i + 2 * len).join("/") && a === segs.slice(i + 2 * len, i + 3 * len).join("/")) return true;
    }
  }
  return false;
}

export type TrapVerdict = "ok" | "trap";

export class TrapGuard {
  private selfVariants = new Map<string, Set<string>>();
  /** Paths already found to be traps: nothing more is admitted under them. */
  readonly trapped = new Set<string>();

  constructor(private readonly maxVariants = 20) {}

  /** May the walk fetch `url`, found as a link on `from`? */
  admit(url: string, from?: string): TrapVerdict {
    const key = pathKey(url);
    if (this.trapped.has(key)) return "trap";
    if (hasRepeatingSegments(url)) return "trap";
    if (from === undefined || pathKey(from) !== key || url === from) return "ok";
    let variants = this.selfVariants.get(key);
    if (!variants) {
      variants = new Set();
      this.selfVariants.set(key, variants);
    }
    variants.add(url);
    if (variants.size > this.maxVariants) {
      this.trapped.add(key);
      return "trap";
    }
    return "ok";
  }
}
