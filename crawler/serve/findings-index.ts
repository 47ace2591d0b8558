// Pure lookups over the stored findings: which findings belong to a page (by normalised URL), which columns have
// which list pages, and a department's worklist. No I/O: the server hands it what the store returned.
import type { FindingState } from "../../shared/schema.js";
import { normalizeUrl } from "../../shared/url.js";
import type { StoredFinding } from "../store/types.js";
import type { ColumnRef, PageFindingsResponse } from "./api-types.js";

const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };
const COLUMN_KINDS = new Set(["stale-column", "empty-column"]);
export const COLUMN_FINDINGS_LIMIT = 200;

/** Worst first, then oldest first, then by id: a stable order the maintainer can work down. */
export function compareFindings(a: StoredFinding, b: StoredFinding): number {
  return (
    (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) ||
    a.firstSeen.localeCompare(b.firstSeen) ||
    a.id.localeCompare(b.id)
  );
}

export function departmentOf(f: StoredFinding): string {
  return f.department || f.maintainer.department;
}

export class FindingsIndex {
  private readonly byPage = new Map<string, StoredFinding[]>();
  private readonly byColumn = new Map<string, StoredFinding[]>();
  private readonly columnsByUrl = new Map<string, ColumnRef>();
  readonly all: StoredFinding[];

  /**
   * @param findings every finding that is not fixed (or all of them: fixed ones are ignored for pages)
   * @param knownColumns columns from the config, when the server has one; others are learnt from findings
   * @param columnHints findings of any state, used only to learn column URLs (a stale-column finding names its
   *   column's URL as pageUrl, by contract; some detectors also put `evidence.columnUrl`)
   */
  constructor(findings: StoredFinding[], knownColumns: ColumnRef[] = [], columnHints: StoredFinding[] = findings) {
    for (const c of knownColumns) {
      const url = normalizeUrl(c.url);
      if (url) this.columnsByUrl.set(url, { ...c, url });
    }
    for (const f of columnHints) {
      const candidates = [COLUMN_KINDS.has(f.kind) ? f.pageUrl : undefined, typeof f.evidence?.columnUrl === "string" ? f.evidence.columnUrl : undefined];
      for (const raw of candidates) {
        const url = raw ? normalizeUrl(raw) : null;
        if (url && !this.columnsByUrl.has(url)) this.columnsByUrl.set(url, { id: f.columnId, name: f.columnName, url });
      }
    }
    this.all = findings.filter((f) => f.state !== "fixed").sort(compareFindings);
    for (const f of this.all) {
      const page = normalizeUrl(f.pageUrl) ?? f.pageUrl;
      push(this.byPage, page, f);
      push(this.byColumn, f.columnId, f);
    }
  }

  /** Open findings (in `states`) for one page; null when `pageUrl` is not an http(s) URL. */
  forPage(pageUrl: string, states: readonly FindingState[]): PageFindingsResponse | null {
    const page = normalizeUrl(pageUrl);
    if (!page) return null;
    const wanted = new Set(states);
    const onPage = (this.byPage.get(page) ?? []).filter((f) => wanted.has(f.state));
    const linkFindings = onPage.filter((f) => f.targetUrl);
    const pageFindings = onPage.filter((f) => !f.targetUrl);
    const column = this.columnsByUrl.get(page) ?? null;
    let columnFindings: StoredFinding[] = [];
    if (column) {
      const onPageIds = new Set(onPage.map((f) => f.id));
      columnFindings = (this.byColumn.get(column.id) ?? []).filter((f) => wanted.has(f.state) && !onPageIds.has(f.id));
    }
    return {
      page,
      linkFindings,
      pageFindings,
      column,
      columnFindings: columnFindings.slice(0, COLUMN_FINDINGS_LIMIT),
      columnFindingsTotal: columnFindings.length,
    };
  }

  /** A department's findings in `states` (every department's when `department` is undefined). */
  forDepartment(department: string | undefined, states: readonly FindingState[]): StoredFinding[] {
    const wanted = new Set(states);
    return this.all.filter((f) => wanted.has(f.state) && (department === undefined || departmentOf(f) === department));
  }

  /** Origins of the known columns' list pages (with the site's base URL: where the extension should run). */
  columnOrigins(): string[] {
    return [...new Set([...this.columnsByUrl.keys()].map((url) => new URL(url).origin))].sort();
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
