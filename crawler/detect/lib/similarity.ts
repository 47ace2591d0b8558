// Bag-of-bigrams similarity between an item and each column's other items (TF-IDF, cosine to the column centroid),
// for the content check of misfiled: an item far more like another column's items than its own.
import { bigrams } from "./text.js";

export type Vec = Map<string, number>;

export interface Corpus {
  /** Unit-length TF-IDF vector of each document by key. */
  vectors: Map<string, Vec>;
}

/**
 * Vectors for documents given as key → text. Bigrams in more than half of all documents are template text
 * (site name, 发布时间, 索引号 …) and carry no topic: they are dropped.
 */
/** Terms kept per document: its strongest ones. Keeps memory flat on sites of tens of thousands of items. */
const MAX_TERMS = 80;

export function buildCorpus(docs: Map<string, string>): Corpus {
  const tfs = new Map<string, Map<string, number>>();
  const df = new Map<string, number>();
  for (const [key, text] of docs) {
    const tf = new Map<string, number>();
    for (const g of bigrams(text)) tf.set(g, (tf.get(g) ?? 0) + 1);
    tfs.set(key, tf);
    for (const g of tf.keys()) df.set(g, (df.get(g) ?? 0) + 1);
  }
  const n = docs.size;
  const vectors = new Map<string, Vec>();
  for (const [key, tf] of tfs) {
    const weighted: [string, number][] = [];
    for (const [g, c] of tf) {
      const d = df.get(g) ?? 1;
      if (n >= 6 && d / n > 0.5) continue;
      const w = (1 + Math.log(c)) * Math.log((n + 1) / d);
      if (w > 0) weighted.push([g, w]);
    }
    if (weighted.length > MAX_TERMS) weighted.sort((a, b) => b[1] - a[1]).length = MAX_TERMS;
    const v: Vec = new Map(weighted);
    let norm = 0;
    for (const [, w] of weighted) norm += w * w;
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [g, w] of v) v.set(g, w / norm);
    vectors.set(key, v);
  }
  return { vectors };
}

export function dot(a: Vec, b: Vec): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [g, w] of small) {
    const x = large.get(g);
    if (x !== undefined) s += w * x;
  }
  return s;
}

/** A column's centroid kept as a sum, so that one member can be left out when it is the item being judged. */
export class Centroid {
  readonly sum: Vec = new Map();
  private sumNormSq = 0;
  readonly members = new Set<string>();
  add(key: string, v: Vec): void {
    if (this.members.has(key)) return;
    this.members.add(key);
    for (const [g, w] of v) this.sum.set(g, (this.sum.get(g) ?? 0) + w);
  }
  finish(): void {
    let s = 0;
    for (const w of this.sum.values()) s += w * w;
    this.sumNormSq = s;
  }
  /** Members other than `key`. */
  size(key?: string): number {
    return this.members.size - (key && this.members.has(key) ? 1 : 0);
  }
  /** Cosine of v to the centroid of the members other than `key`. */
  cosine(key: string, v: Vec): number {
    const d = dot(v, this.sum);
    let vNormSq = 0;
    for (const w of v.values()) vNormSq += w * w;
    if (this.members.has(key)) {
      // |sum − v|² = |sum|² − 2·sum·v + |v|²; (sum − v)·v = sum·v − |v|²
      const normSq = this.sumNormSq - 2 * d + vNormSq;
      if (normSq <= 1e-12 || vNormSq === 0) return 0;
      return (d - vNormSq) / (Math.sqrt(normSq) * Math.sqrt(vNormSq));
    }
    if (this.sumNormSq <= 1e-12 || vNormSq === 0) return 0;
    return d / (Math.sqrt(this.sumNormSq) * Math.sqrt(vNormSq));
  }
}

/** The k documents most like `v` (cosine, vectors being unit length), the document itself left out. */
export function nearest(corpus: Corpus, key: string, v: Vec, k: number): { key: string; similarity: number }[] {
  const all: { key: string; similarity: number }[] = [];
  for (const [other, w] of corpus.vectors) if (other !== key) all.push({ key: other, similarity: dot(v, w) });
  return all.sort((a, b) => b.similarity - a.similarity).slice(0, k);
}
