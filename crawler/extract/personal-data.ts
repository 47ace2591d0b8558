// A parsed page's personal numbers, counted and then masked in the record itself, on the parse thread: the record
// goes on to the page cache (the store), so from here on it holds only masked values (3101**********1234). The
// counts (masked samples only) stay on the record for the privacy-leak detector.
import type { PageRecord } from "../types.js";
import { countPersonalNumbers, maskPersonalNumbers } from "../detect/lib/personal-numbers.js";

export function withPersonalDataMasked(record: PageRecord): PageRecord {
  const found = countPersonalNumbers([record.title, record.heading ?? "", record.bodyText].join("\n"));
  const m = maskPersonalNumbers;
  // Cheap test first: most pages hold no long digit run at all.
  const anyDigits = /\d{11}/.test(record.bodyText + record.title + (record.heading ?? "")) || found.length > 0;
  // Nothing found: the record stays as it was (the detector finds nothing in it either).
  if (!anyDigits || !found.length) return record;
  return {
    ...record,
    personalNumbers: found,
    title: m(record.title),
    ...(record.heading !== undefined ? { heading: m(record.heading) } : {}),
    bodyText: m(record.bodyText),
    metadata: Object.fromEntries(Object.entries(record.metadata).map(([k, v]) => [k, m(v)])),
    links: record.links.map((l) => (/\d{11}/.test(l.text) ? { ...l, text: m(l.text) } : l)),
    listItems: record.listItems.map((i) => (/\d{11}/.test(i.title) ? { ...i, title: m(i.title) } : i)),
  };
}
