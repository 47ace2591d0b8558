// The link check of a scanned attachment is its download: one GET (never a HEAD first), the body scanned and
// dropped, the validators kept; the next crawl asks conditionally and a 304 reuses the stored masked scan; a file
// over crawl.maxAttachmentBytes is not read (only its first byte), and says so. Against a real loopback server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Fetcher } from "../../crawler/crawl/fetcher.js";
import { LinkChecker } from "../../crawler/check/checker.js";
import { ProbeCache } from "../../crawler/check/probe.js";
import { scanAttachment } from "../../crawler/extract/attachment-scan.js";
import type { LinkCheck } from "../../crawler/types.js";
import { makeDocx } from "../fixtures/office-files.js";
import { syntheticId } from "../fixtures/synthetic-numbers.js";

const ID = syntheticId("310114", "19810214", "237");
let docx: Buffer;
const big = Buffer.alloc(300_000, 0x20);
const requests: { method: string; path: string; status: number; sent: number }[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  docx = await makeDocx([`当事人身份证号：${ID}`]);
  big.write("PK\u0003\u0004", 0, "latin1");
  server = http.createServer((req, res) => {
    const rec = { method: req.method!, path: req.url!, status: 200, sent: 0 };
    requests.push(rec);
    const body = req.url === "/big.xlsx" ? big : docx;
    const etag = `"v1-${req.url}"`;
    if (req.headers["if-none-match"] === etag) {
      rec.status = 304;
      res.writeHead(304, { etag });
      return res.end();
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(body.length), etag, "last-modified": new Date(Date.UTC(2025, 0, 2)).toUTCString() });
    if (req.method === "HEAD") return res.end();
    rec.sent = body.length;
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function check(previous?: Map<string, LinkCheck>, urls = [`${base}/a.docx`, `${base}/big.xlsx`]) {
  const fetcher = new Fetcher({ concurrency: 2, timeoutMs: 5000, retries: 0, respectRobots: false, userAgent: "gongkai-test", publicSite: false });
  const facts = () => ({ title: "", text: "", anchors: [] });
  const checker = new LinkChecker({
    fetcher,
    probes: new ProbeCache(fetcher, facts),
    extract: facts,
    concurrency: 2,
    checkExternal: true,
    previous,
    recheckAfterMs: 0,
    now: () => new Date(),
    attachments: { maxBytes: 100_000, scan: (body, meta) => scanAttachment(body, meta) },
  });
  for (const u of urls) checker.reference(u, { attachment: true, sameSite: true, tag: "a", fresh: true });
  checker.walkFinished();
  await checker.idle();
  return checker;
}

describe("attachment check = download", () => {
  it("one GET per attachment; the scan holds masked values only; a file over the cap is not read", async () => {
    requests.length = 0;
    const c = await check();
    expect(requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(["GET /a.docx", "GET /big.xlsx"]);
    const a = c.checks.get(`${base}/a.docx`)!;
    expect(a.outcome).toBe("ok");
    expect(a.scan).toEqual({ format: "docx", numbers: [{ kind: "id-number", count: 1, samples: [`${ID.slice(0, 4)}**********${ID.slice(14)}`] }], bytes: docx.length });
    expect(JSON.stringify(a)).not.toContain(ID);
    expect(a.etag).toBe('"v1-/a.docx"');
    const b = c.checks.get(`${base}/big.xlsx`)!;
    expect(b.outcome).toBe("ok");
    expect(b.scan).toEqual({ numbers: [], skipped: "too-large", bytes: big.length });
    expect(c.stats).toMatchObject({ attachmentsScanned: 1, attachmentsTooLarge: 1, attachmentsUnchanged: 0 });
  });

  it("the next crawl asks conditionally: 304, nothing downloaded, the stored scan reused", async () => {
    const first = await check(undefined, [`${base}/a.docx`]);
    requests.length = 0;
    const again = await check(new Map(first.checks), [`${base}/a.docx`]);
    expect(requests).toEqual([{ method: "GET", path: "/a.docx", status: 304, sent: 0 }]);
    const a = again.checks.get(`${base}/a.docx`)!;
    expect(a.scan).toEqual(first.checks.get(`${base}/a.docx`)!.scan);
    expect(again.stats.attachmentsUnchanged).toBe(1);
  });

  it("without scanning, an attachment is checked with HEAD as before", async () => {
    requests.length = 0;
    const fetcher = new Fetcher({ concurrency: 2, timeoutMs: 5000, retries: 0, respectRobots: false, userAgent: "gongkai-test", publicSite: false });
    const facts = () => ({ title: "", text: "", anchors: [] });
    const checker = new LinkChecker({ fetcher, probes: new ProbeCache(fetcher, facts), extract: facts, concurrency: 2, checkExternal: true, recheckAfterMs: 0, now: () => new Date() });
    checker.reference(`${base}/a.docx`, { attachment: true, sameSite: true, tag: "a", fresh: true });
    checker.walkFinished();
    await checker.idle();
    expect(requests.map((r) => r.method)).toEqual(["HEAD"]);
    expect(checker.checks.get(`${base}/a.docx`)!.scan).toBeUndefined();
  });
});
