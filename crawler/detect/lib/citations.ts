// Citations of laws and regulations in 《…》, matched to the law list by exact title after normalisation only:
// 食品经营许可管理办法 must never match 食品经营许可和备案管理办法, nor 个体工商户条例 促进个体工商户发展条例.
import type { Law } from "../../../shared/schema.js";

/** Title key: no whitespace, full-width folded, no 中华人民共和国 prefix, no version notes like （2019年修订）. */
export function lawKey(title: string): string {
  let t = title.normalize("NFKC").replace(/[\s\u3000]+/g, "");
  t = t.replace(/^《|》$/g, "");
  // Version notes say which text, not which instrument: （2019年修订）(2021修正)（国务院令第711号）.
  t = t.replace(/[(（〔[][^()（）〔〕[\]]*?(?:修订|修正|修改|年版|令|公布|施行|版本)[^()（）〔〕[\]]*[)）〕\]]/g, "");
  t = t.replace(/^中华人民共和国/, "");
  return t;
}

export interface Citation {
  /** The title as written inside 《》. */
  title: string;
  key: string;
  /** Position of 《 in the text. */
  index: number;
  /** A few characters either side, for the maintainer to find it. */
  context: string;
}

/** Every 《…》 in the text, each distinct title once (first occurrence). */
export function findCitations(text: string | undefined): Citation[] {
  if (!text) return [];
  const t = text.normalize("NFKC");
  const out: Citation[] = [];
  const seen = new Set<string>();
  for (const m of t.matchAll(/《([^《》]{2,80})》/g)) {
    const title = m[1].trim();
    const key = lawKey(title);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    const i = m.index ?? 0;
    out.push({ title, key, index: i, context: t.slice(Math.max(0, i - 20), i + m[0].length + 20).trim() });
  }
  return out;
}

/** The laws a citation names, matched by exact title key (title or any alias). */
export function lawsByKey(laws: Law[]): Map<string, Law> {
  const map = new Map<string, Law>();
  for (const law of laws) {
    for (const name of [law.title, ...(law.aliases ?? [])]) {
      const k = lawKey(name);
      if (k) map.set(k, law);
    }
  }
  return map;
}

/**
 * True when the text around a citation says the instrument is no longer in force (同时废止, 原《…》, 已失效):
 * a guide explaining what replaced the old rule is not citing it as its basis.
 */
export function citedAsRepealed(text: string, c: Citation): boolean {
  const t = text.normalize("NFKC");
  const before = t.slice(Math.max(0, c.index - 6), c.index);
  const after = t.slice(c.index, c.index + c.title.length + 2 + 16);
  return /原$|已废止的?$|废止的?$|旧版?$/.test(before) || /》[^。；;《]{0,10}(废止|失效|废除|不再(执行|施行|适用)|停止(执行|施行))/.test(after);
}
