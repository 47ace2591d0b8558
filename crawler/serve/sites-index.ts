// Many sites behind one server (`serve --db postgres://…`): the findings of every site in the store, one
// FindingsIndex per site, and which site a page belongs to (by the origin of its URL: the site's base URL and its
// columns' list pages). Also what a caller may see: a token that lists `sites` sees only those sites, and a
// maintainer never sees the office-only kind `coverage` (a statement about the crawl, not a task). Pure: the
// server hands it what the store returned.
import type { FindingState } from "../../shared/schema.js";
import type { SiteInfo, StoredFinding } from "../store/types.js";
import type { ColumnRef, PageFindingsResponse } from "./api-types.js";
import { compareFindings, FindingsIndex } from "./findings-index.js";
import type { Caller } from "./tokens.js";

/** Kinds for the supervising office only: never shown to a maintainer. */
export const OFFICE_ONLY_KINDS = new Set(["coverage"]);

/** May this caller see this finding? */
export function visibleTo(caller: Caller, f: StoredFinding): boolean {
  if (caller.role !== "office" && OFFICE_ONLY_KINDS.has(f.kind)) return false;
  return !caller.sites || (f.siteId !== undefined && caller.sites.includes(f.siteId));
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export class SitesIndex {
  private readonly bySite = new Map<string, FindingsIndex>();
  private readonly siteByOrigin = new Map<string, string>();
  private readonly originsBySite = new Map<string, Set<string>>();

  /**
   * @param findings every finding not fixed, of every site (each with its siteId)
   * @param sites the sites of the store (for their base URLs)
   * @param columnHints findings of any state naming column URLs (see FindingsIndex)
   * @param knownColumns columns from a config: used when the store holds one site only (single-site serve)
   */
  constructor(findings: StoredFinding[], sites: SiteInfo[], columnHints: StoredFinding[], knownColumns: ColumnRef[] = []) {
    const ids = new Set<string>([...sites.map((s) => s.id), ...findings.map((f) => f.siteId ?? "")]);
    if (ids.size === 0) ids.add("");
    const single = ids.size === 1;
    for (const id of ids) {
      const mine = (f: StoredFinding) => single || (f.siteId ?? "") === id;
      const index = new FindingsIndex(findings.filter(mine), single ? knownColumns : [], columnHints.filter(mine));
      this.bySite.set(id, index);
      const origins = new Set(index.columnOrigins());
      const base = sites.find((s) => s.id === id)?.baseUrl;
      const o = base ? originOf(base) : undefined;
      if (o) origins.add(o);
      this.originsBySite.set(id, origins);
      for (const origin of origins) if (!this.siteByOrigin.has(origin)) this.siteByOrigin.set(origin, id);
    }
  }

  /** The site a page belongs to (the only one, when the store holds one site). */
  siteOf(pageUrl: string): string | undefined {
    if (this.bySite.size === 1) return [...this.bySite.keys()][0];
    const o = originOf(pageUrl);
    return o ? this.siteByOrigin.get(o) : undefined;
  }

  /** A page's findings, from the site whose origin the URL has, as this caller may see them. */
  forPage(pageUrl: string, states: readonly FindingState[], caller: Caller): PageFindingsResponse | null {
    const id = this.siteOf(pageUrl);
    const index = (id !== undefined && this.bySite.get(id)) || new FindingsIndex([]);
    const result = index.forPage(pageUrl, states);
    if (!result) return null;
    const see = (f: StoredFinding) => visibleTo(caller, f);
    const column = caller.sites && id !== undefined && !caller.sites.includes(id) ? null : result.column;
    const columnFindings = result.columnFindings.filter(see);
    return {
      ...result,
      linkFindings: result.linkFindings.filter(see),
      pageFindings: result.pageFindings.filter(see),
      column,
      columnFindings,
      columnFindingsTotal: result.columnFindingsTotal - (result.columnFindings.length - columnFindings.length),
    };
  }

  /** A department's findings (every department's when undefined) across the sites this caller may see. */
  forDepartment(department: string | undefined, states: readonly FindingState[], caller: Caller): StoredFinding[] {
    const out: StoredFinding[] = [];
    for (const index of this.bySite.values()) out.push(...index.forDepartment(department, states).filter((f) => visibleTo(caller, f)));
    return out.sort(compareFindings);
  }

  /** Where the extension should run for this caller: the origins of the sites it may see. */
  origins(caller: Caller): string[] {
    const out = new Set<string>();
    for (const [id, origins] of this.originsBySite) if (!caller.sites || caller.sites.includes(id)) for (const o of origins) out.add(o);
    return [...out].sort();
  }
}
