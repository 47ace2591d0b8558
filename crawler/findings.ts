// Finding identity: the same problem keeps the same id from crawl to crawl, whatever its reason does meanwhile
// (a link that went from 404 to 500 is the same broken link to the maintainer).
import { createHash } from "node:crypto";
import type { CoverageEntry, FindingDraft } from "../shared/schema.js";
import type { ColumnWalk } from "./types.js";

/** Stable id from what the problem is about: kind, the page, the target (or the detector's own key). */
export function findingId(draft: Pick<FindingDraft, "kind" | "pageUrl" | "targetUrl" | "columnId"> & { key?: string }): string {
  const parts = [draft.kind, draft.pageUrl, draft.targetUrl ?? "", draft.key ?? ""];
  // Column-level findings are about the column, not a page, so the column id belongs in the key.
  if (draft.kind === "stale-column" || draft.kind === "empty-column") parts.push(draft.columnId);
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}

/** Give drafts their ids, dropping duplicates (the same link on a page reached from two columns is one finding). */
export function withIds(drafts: FindingDraft[]): (FindingDraft & { id: string })[] {
  const seen = new Set<string>();
  const out: (FindingDraft & { id: string })[] = [];
  for (const d of drafts) {
    const id = d.id ?? findingId(d);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ ...d, id });
  }
  return out;
}

/** One list column's coverage as findings.json writes it (contract, Round 2: Coverage). */
export type { CoverageEntry };

/** findings.json `coverage`: one entry per list column the walk reached (page and section columns have none). */
export function coverageEntries(columns: ColumnWalk[]): CoverageEntry[] {
  const out: CoverageEntry[] = [];
  for (const w of columns) {
    if (!w.coverage || w.error) continue;
    out.push({ columnId: w.column.id, listed: w.coverage.listed, reached: w.coverage.reached ?? w.items.length, listPages: w.listPages.length, how: w.coverage.how });
  }
  return out;
}
