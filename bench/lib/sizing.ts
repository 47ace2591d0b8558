// The demo site's `size` is a number of items; the bench speaks of pages (HTML pages and attachments, as the
// site's manifest counts them). Find the size that gives the pages asked for.

/**
 * The item count whose site has about `pages` pages (within 0.5%, or the closest found in a few steps).
 * `pageCountOf` is the site generator's count for a size; it grows with the size, close to linearly.
 */
export function sizeForPages(pages: number, pageCountOf: (size: number) => number): { size: number; pageCount: number } {
  if (!(Number.isInteger(pages) && pages > 0)) throw new Error(`pages must be a positive integer, got ${pages}`);
  let size = pages;
  let best = { size, pageCount: pageCountOf(size) };
  for (let step = 0; step < 8; step++) {
    const pc = step === 0 ? best.pageCount : pageCountOf(size);
    if (Math.abs(pc - pages) < Math.abs(best.pageCount - pages)) best = { size, pageCount: pc };
    if (Math.abs(pc - pages) <= Math.max(2, pages * 0.005)) return { size, pageCount: pc };
    const next = Math.max(1, Math.round((size * pages) / Math.max(1, pc)));
    if (next === size) break;
    size = next;
  }
  return best;
}
