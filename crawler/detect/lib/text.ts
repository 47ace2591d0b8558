// Text normalisation shared by the content detectors. Pages come from UTF-8, GBK and GB2312 sources and from many
// CMSs, so the same words arrive with full-width spaces and digits, odd spacing inside labels and several bracket forms.

/** NFKC (full-width digits/letters/spaces to ASCII), every kind of whitespace removed. */
export function squash(s: string | undefined | null): string {
  if (!s) return "";
  return s.normalize("NFKC").replace(/[\s\u3000\u00a0\u200b\ufeff]+/g, "");
}

/** NFKC, whitespace runs collapsed to one space, trimmed: for showing text back in messages and evidence. */
export function tidy(s: string | undefined | null): string {
  if (!s) return "";
  return s.normalize("NFKC").replace(/[\s\u3000\u00a0\u200b\ufeff]+/g, " ").trim();
}

/** Cut a text for a message, with an ellipsis when cut. */
export function clip(s: string, max = 40): string {
  const t = tidy(s);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** True when the text holds at least one Chinese character. */
export function hasCjk(s: string): boolean {
  return CJK.test(s);
}

/**
 * Character bigrams of the Chinese runs and whole ASCII words of a text: a bag of words that needs no word segmenter.
 * Digits are dropped (dates and numbers say nothing about a topic).
 */
export function bigrams(s: string): string[] {
  const out: string[] = [];
  const t = s.normalize("NFKC");
  const runs = t.match(/[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z]{2,}/g) ?? [];
  for (const run of runs) {
    if (/^[A-Za-z]/.test(run)) {
      out.push(run.toLowerCase());
      continue;
    }
    if (run.length === 1) out.push(run);
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

/** Every match of a list of words/patterns found in the text, each listed once, in list order. */
export function wordsFound(text: string, words: readonly (string | RegExp)[]): string[] {
  const found: string[] = [];
  for (const w of words) {
    if (typeof w === "string") {
      if (text.includes(w)) found.push(w);
    } else {
      const m = w.exec(text);
      if (m) found.push(m[0]);
    }
  }
  return found;
}
