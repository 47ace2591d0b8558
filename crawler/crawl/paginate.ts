// One list column's paging, as a small state machine: the first page's offers (extract/pagination-strategies.ts)
// are tried in order of confidence; a strategy's first page is asked alone, and only when it brings items the
// column had not seen are the rest of its pages asked. A strategy that brings nothing is abandoned for the next
// one — it is not a crawler trap (a trap is unbounded URL growth, see trap.ts), just a way that does not work on
// this site (a Hanweb server answering `?pageNum=N` with page 1 every time). The strategy that worked last night
// (remembered in the store) is tried first and trusted at once: all its pages are asked together.
// Pure bookkeeping: the walk asks, this decides what to ask next.
import { requestKey } from "../extract/pagination-strategies.js";
import type { ColumnCoverage, PagingOffer, PagingRequest, PagingStrategy, StatedCount } from "../types.js";

/** A request for a list page, with the strategy it belongs to. */
export interface PlannedRequest extends PagingRequest {
  strategy: PagingStrategy;
}

/** Barren pages in a row (no new item) after which a working strategy's newly offered pages are not followed. */
const BARREN_LIMIT = 3;

interface Active {
  strategy: PagingStrategy;
  /** Pages held back until the strategy has shown it brings new items. */
  pending: PagingRequest[];
  /** Items it has brought so far. */
  brought: number;
  barrenInARow: number;
}

export class ColumnPaging {
  private candidates: PagingOffer[] = [];
  private active?: Active;
  private readonly asked = new Set<string>();
  private readonly abandonedList: PagingStrategy[] = [];
  private working?: PagingStrategy;
  private offered = false;
  private rememberedUsed = false;

  /** `remembered`: the strategy that worked for this column in the last crawl, if any. */
  constructor(private readonly remembered?: string) {}

  /** The column's first page and what it offers: the requests to make now. */
  start(firstUrl: string, offers: PagingOffer[]): PlannedRequest[] {
    this.asked.add(firstUrl);
    this.offered = offers.some((o) => o.requests.length > 0);
    const ordered = [...offers];
    const at = ordered.findIndex((o) => o.strategy === this.remembered);
    if (at > 0) ordered.unshift(...ordered.splice(at, 1));
    this.candidates = ordered;
    return this.next();
  }

  /**
   * A page asked for `strategy` came back with `added` items new to the column and its own offers (a pager showing
   * only the next few pages reveals more as it goes), or failed (added 0, no offers). Returns the requests to make.
   */
  pageDone(strategy: PagingStrategy, added: number, offers: PagingOffer[]): PlannedRequest[] {
    const a = this.active;
    if (!a || a.strategy !== strategy) return [];
    a.brought += added;
    if (a.brought === 0) {
      // Its first page brought nothing: abandon it (pages of it already asked are skipped) and try the next.
      this.abandonedList.push(strategy);
      this.active = undefined;
      return this.next();
    }
    this.working ??= strategy;
    a.barrenInARow = added > 0 ? 0 : a.barrenInARow + 1;
    const out = this.take(strategy, a.pending.splice(0));
    if (a.barrenInARow >= BARREN_LIMIT) return out;
    return [...out, ...this.take(strategy, offers.filter((o) => o.strategy === strategy).flatMap((o) => o.requests))];
  }

  /** Pages of an abandoned strategy still queued are not asked. */
  isAbandoned(strategy: PagingStrategy): boolean {
    return this.abandonedList.includes(strategy);
  }

  /** How the column was paged, for ColumnWalk.coverage (its `listed` is filled by the walk). */
  outcome(): Pick<ColumnCoverage, "how" | "abandoned" | "paginationNotFollowed" | "remembered"> {
    const out: Pick<ColumnCoverage, "how" | "abandoned" | "paginationNotFollowed" | "remembered"> = {
      how: this.working ?? (this.offered ? "none" : "single-page"),
    };
    if (this.abandonedList.length) out.abandoned = [...this.abandonedList];
    if (this.offered && !this.working) out.paginationNotFollowed = true;
    if (this.rememberedUsed && this.working === this.remembered) out.remembered = true;
    return out;
  }

  private next(): PlannedRequest[] {
    while (this.candidates.length) {
      const offer = this.candidates.shift()!;
      const fresh = offer.requests.filter((r) => !this.asked.has(requestKey(r)));
      // Every page it offers was asked already (pager links naming the pageNum pages just abandoned): nothing to try.
      if (fresh.length === 0) continue;
      const trusted = offer.strategy === this.remembered && !this.rememberedUsed;
      if (trusted) this.rememberedUsed = true;
      this.active = { strategy: offer.strategy, pending: trusted ? [] : fresh.slice(1), brought: 0, barrenInARow: 0 };
      return this.take(offer.strategy, trusted ? fresh : fresh.slice(0, 1));
    }
    return [];
  }

  private take(strategy: PagingStrategy, requests: PagingRequest[]): PlannedRequest[] {
    const out: PlannedRequest[] = [];
    for (const r of requests) {
      const key = requestKey(r);
      if (this.asked.has(key)) continue;
      this.asked.add(key);
      out.push({ ...r, strategy });
    }
    return out;
  }
}

/**
 * The items a column's list says it holds, for coverage: the count it states (共60条, totalRecord), or, when it
 * states only pages, pages × page size — except that a walk whose items fill all but the last page and part of the
 * last has reached every page (the last page is seldom full), so what it found is then the count.
 */
export function statedListed(stated: StatedCount | undefined, pageSize: number, found: number): number | null {
  if (!stated) return null;
  if (stated.items !== undefined) return stated.items;
  if (stated.pages === undefined || pageSize <= 0) return null;
  const upper = stated.pages * pageSize;
  return found > (stated.pages - 1) * pageSize && found <= upper ? found : upper;
}
