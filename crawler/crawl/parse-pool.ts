// Page parsing on a worker thread. The main thread does the I/O; parsing a page into its record (DOM, links, text)
// costs milliseconds of CPU, and while it runs on the main thread no response is read and no freed slot is reused.
// Records come back through structured clone, which also gives every string its own storage (no slice of the HTML
// keeps a whole document alive). If the worker cannot start or dies, pages are parsed on the main thread instead:
// slower, never wrong.
import { Worker } from "node:worker_threads";
import type { AttachmentScan, PageRecord } from "../types.js";
import { scanAttachment } from "../extract/attachment-scan.js";
import { withPersonalDataMasked } from "../extract/personal-data.js";

export type PageMeta = { url: string; finalUrl: string; status: number; contentType?: string };
export type SyncExtractor = (body: Buffer, meta: PageMeta) => PageRecord;

/** A parsed page; `fresh` when its strings have their own storage (it crossed the thread boundary). */
export interface Parsed {
  record: PageRecord;
  fresh: boolean;
}

interface Pending {
  body: Buffer;
  meta: PageMeta;
  resolve: (r: Parsed) => void;
  reject: (e: unknown) => void;
}

interface PendingScan {
  body: Buffer;
  meta: AttachmentMeta;
  resolve: (r: AttachmentScan) => void;
}

export type AttachmentMeta = { url: string; contentType?: string };

export class ParsePool {
  private worker?: Worker;
  private pending = new Map<number, Pending>();
  /** Attachments being scanned on the worker (their text is read and dropped there; only masked counts return). */
  private scans = new Map<number, PendingScan>();
  private seq = 0;
  private failed = false;
  /** The worker has loaded its modules; until then pages are parsed here (a cold worker takes about a second). */
  private ready = false;
  /** True when records come from the worker (structured clone: fresh strings). */
  get offThread(): boolean {
    return !this.failed;
  }

  /** `GONGKAI_PARSE_THREAD=0` parses on the main thread (for debugging and comparison). */
  private readonly fallback: SyncExtractor;

  /** Records parsed on this thread get their personal numbers masked too, as the worker does (personal-data.ts). */
  /**
   * `scanTimeoutMs`: an attachment whose reading takes longer (a hostile or broken file can keep a reader busy without
   * end) is given up as `timeout`, and the worker, stuck in it, is replaced.
   */
  constructor(
    extract: SyncExtractor,
    useThread = process.env.GONGKAI_PARSE_THREAD !== "0",
    private readonly scanTimeoutMs = 60_000,
  ) {
    this.fallback = (body, meta) => withPersonalDataMasked(extract(body, meta));
    if (!useThread) this.failed = true;
  }

  parse(body: Buffer, meta: PageMeta): Promise<Parsed> {
    if (this.failed) return Promise.resolve().then(() => ({ record: this.fallback(body, meta), fresh: false }));
    const worker = this.start();
    if (!worker || !this.ready) return Promise.resolve().then(() => ({ record: this.fallback(body, meta), fresh: false }));
    const id = ++this.seq;
    // Hand the worker its own copy of the bytes (the response buffer may share memory with others), transferred.
    const copy = body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer;
    return new Promise<Parsed>((resolve, reject) => {
      this.pending.set(id, { body, meta, resolve, reject });
      worker.postMessage({ id, body: copy, meta }, [copy]);
    });
  }

  /** Scan an attachment for personal numbers on the worker (on this thread when there is none). */
  async scanAttachment(body: Buffer, meta: AttachmentMeta): Promise<AttachmentScan> {
    // Attachments wait for the worker rather than load the readers here too: pdfjs, exceljs, mammoth and SheetJS
    // weigh ~65 MB once loaded, and the main thread holds the crawl's records for the whole crawl.
    if (!this.failed && !this.ready) await this.whenReady();
    const worker = this.failed ? undefined : this.start();
    if (!worker || !this.ready) return scanAttachment(body, meta);
    const id = ++this.seq;
    const copy = body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer;
    return new Promise<AttachmentScan>((resolve) => {
      const timer = setTimeout(() => this.scanTimedOut(id), this.scanTimeoutMs);
      timer.unref?.();
      this.scans.set(id, { body, meta, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      worker.postMessage({ id, body: copy, meta, attachment: true }, [copy]);
    });
  }

  /** A scan took too long: give it up, and replace the worker (it is stuck in that file). */
  private scanTimedOut(id: number): void {
    const stuck = this.scans.get(id);
    if (!stuck) return;
    this.scans.delete(id);
    stuck.resolve({ numbers: [], skipped: "timeout", bytes: stuck.body.length });
    const w = this.worker;
    this.worker = undefined;
    this.ready = false;
    if (w) void w.terminate().catch(() => undefined);
    // What the old worker still held: pages are parsed here, other attachments go to the next worker.
    const pages = [...this.pending.values()];
    this.pending.clear();
    for (const p of pages) this.settleWithFallback(p);
    const scans = [...this.scans.values()];
    this.scans.clear();
    for (const s of scans) void this.scanAttachment(s.body, s.meta).then(s.resolve);
    this.start();
  }

  private readyWaiters: ((ok: boolean) => void)[] = [];

  /** Resolves true once the worker takes pages, false when pages will be parsed on this thread. */
  whenReady(): Promise<boolean> {
    if (this.ready || this.failed) return Promise.resolve(this.ready && !this.failed);
    this.start();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  private settleReady(ok: boolean): void {
    for (const r of this.readyWaiters.splice(0)) r(ok);
  }

  /** Start the worker now, while the crawl's first requests are on their way. */
  warm(): void {
    if (!this.failed) this.start();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failed = true;
    if (w) await w.terminate().catch(() => undefined);
    this.drainToFallback();
    this.settleReady(false);
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const w = new Worker(new URL("./parse-worker-boot.mjs", import.meta.url));
      w.unref();
      w.on("message", (m: { id: number; record?: PageRecord; scan?: AttachmentScan; error?: string; ready?: boolean }) => {
        if (m.ready) {
          this.ready = true;
          this.settleReady(true);
          return;
        }
        const s = this.scans.get(m.id);
        if (s) {
          this.scans.delete(m.id);
          s.resolve(m.scan ?? { numbers: [], skipped: "unreadable", bytes: s.body.length });
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.record) p.resolve({ record: m.record, fresh: true });
        else this.settleWithFallback(p);
      });
      const fail = () => {
        this.failed = true;
        this.worker = undefined;
        this.drainToFallback();
        this.settleReady(false);
      };
      w.on("error", fail);
      w.on("exit", (code) => {
        if (this.worker === w) fail();
        void code;
      });
      this.worker = w;
      return w;
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  private settleWithFallback(p: Pending): void {
    try {
      p.resolve({ record: this.fallback(p.body, p.meta), fresh: false });
    } catch (e) {
      p.reject(e);
    }
  }

  private drainToFallback(): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) this.settleWithFallback(p);
    const scans = [...this.scans.values()];
    this.scans.clear();
    for (const s of scans) void scanAttachment(s.body, s.meta).then(s.resolve);
  }
}
