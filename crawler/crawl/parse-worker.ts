// The parsing thread: decodes and extracts pages off the main thread, so the crawler's event loop stays free to
// answer the network (a page's parse takes milliseconds; at 20 ms per request and 4 in flight, every millisecond the
// loop is busy delays the next request). See parse-pool.ts.
import { parentPort } from "node:worker_threads";
import { extractPageFromBuffer } from "../extract/index.js";
import { scanAttachment } from "../extract/attachment-scan.js";
import { withPersonalDataMasked } from "../extract/personal-data.js";
import { trimHeapWhileCrawling } from "./heap.js";

// This thread's heap is almost all garbage (each page's DOM): keep it from growing far beyond what it holds.
trimHeapWhileCrawling();

interface ParseJob {
  id: number;
  body: ArrayBuffer;
  meta: { url: string; finalUrl: string; status: number; contentType?: string };
}

/** An attachment to scan: its text is read and searched here, and only the masked counts go back. */
interface ScanJob {
  id: number;
  body: ArrayBuffer;
  meta: { url: string; contentType?: string };
  attachment: true;
}

parentPort?.on("message", (job: ParseJob | ScanJob) => {
  if ("attachment" in job) {
    void scanAttachment(new Uint8Array(job.body), job.meta).then((scan) => parentPort!.postMessage({ id: job.id, scan }));
    return;
  }
  try {
    // Personal numbers are counted and masked here: no full number leaves this thread in a record.
    const record = withPersonalDataMasked(extractPageFromBuffer(Buffer.from(job.body), job.meta));
    parentPort!.postMessage({ id: job.id, record });
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: String((e as Error)?.stack ?? e) });
  }
});

// Loaded: pages may come here now (until this, the pool parses them on the main thread).
parentPort?.postMessage({ ready: true });
