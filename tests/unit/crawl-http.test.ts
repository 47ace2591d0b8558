// The HTTP layer against real loopback servers: timeouts that cover trickling bodies, size caps that stop the
// download, compressed bodies, network errors mapped to what they mean.
import http from "node:http";
import zlib from "node:zlib";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyNetError, httpRequest, NetError } from "../../crawler/crawl/http.js";
import { Fetcher } from "../../crawler/crawl/fetcher.js";

let server: http.Server;
let base = "";
const bytesSent = new Map<string, number>();
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === "/trickle") {
      res.writeHead(200, { "content-type": "text/html" });
      const t = setInterval(() => res.write("x"), 100);
      res.on("close", () => clearInterval(t));
      return;
    }
    if (req.url === "/big") {
      res.writeHead(200, { "content-type": "text/html" });
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          bytesSent.set("/big", sent);
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => bytesSent.set("/big", sent));
      pump();
      return;
    }
    if (req.url === "/gzip") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" });
      res.end(zlib.gzipSync(Buffer.from("<title>压缩的页面</title>")));
      return;
    }
    if (req.url === "/r1") return void res.writeHead(302, { location: "/r2" }).end();
    if (req.url === "/r2") return void res.writeHead(301, { location: "http://" + req.headers.host + "/done" }).end();
    if (req.url === "/done") return void res.writeHead(200).end("ok");
    if (req.url?.startsWith("/chain/")) {
      const n = Number(req.url.slice(7));
      return void res.writeHead(302, { location: `/chain/${n + 1}` }).end();
    }
    if (req.url === "/ua") return void res.writeHead(200, { "content-type": "text/plain" }).end(String(req.headers["user-agent"]));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const get = (path: string, extra: Partial<Parameters<typeof httpRequest>[0]> = {}) =>
  httpRequest({ url: base + path, method: "GET", headers: {}, timeoutMs: 2000, bodyLimit: () => 1024 * 1024, ...extra });

describe("httpRequest", () => {
  it("gives up on a body that trickles past the timeout", async () => {
    const t0 = Date.now();
    await expect(get("/trickle", { timeoutMs: 600 })).rejects.toMatchObject({ kind: "timeout" });
    expect(Date.now() - t0).toBeLessThan(3000);
  });
  it("stops reading at the cap instead of downloading a 50 MB page", async () => {
    const res = await get("/big", { bodyLimit: () => 256 * 1024 });
    expect(res.truncated).toBe(true);
    expect(res.body.length).toBe(256 * 1024);
    await new Promise((r) => setTimeout(r, 200));
    expect(bytesSent.get("/big")!).toBeLessThan(20 * 1024 * 1024);
  });
  it("reads only the first byte when only emptiness matters", async () => {
    const res = await get("/big", { bodyLimit: () => 0 });
    expect(res.body.length).toBe(1);
    expect(res.truncated).toBe(true);
  });
  it("decompresses gzip bodies", async () => {
    const res = await get("/gzip");
    expect(res.body.toString("utf8")).toBe("<title>压缩的页面</title>");
  });
  it("maps refused connections and unknown hosts", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(httpRequest({ url: `http://127.0.0.1:${port}/`, method: "HEAD", headers: {}, timeoutMs: 2000, bodyLimit: () => 0 })).rejects.toMatchObject({ kind: "refused" });
    await expect(httpRequest({ url: "http://no-such-host.invalid/", method: "HEAD", headers: {}, timeoutMs: 5000, bodyLimit: () => 0 })).rejects.toMatchObject({ kind: "dns" });
  });
  it("refuses to connect to an address the caller forbids, before sending anything", async () => {
    // The check runs on the resolved address, so a name that resolves into a forbidden range is caught too.
    const before = hits.length;
    const url = base.replace("127.0.0.1", "localhost") + "/done";
    await expect(httpRequest({ url, method: "GET", headers: {}, timeoutMs: 2000, bodyLimit: () => 10, refuseAddress: (a) => a.startsWith("127.") || a === "::1" })).rejects.toMatchObject({ kind: "refused" });
    expect(hits.length).toBe(before);
  });
  it("classifies node error codes", () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    expect(classifyNetError(e("ENOTFOUND")).kind).toBe("dns");
    expect(classifyNetError(e("EAI_AGAIN")).kind).toBe("dns-temporary");
    expect(classifyNetError(e("ECONNRESET")).kind).toBe("connection");
    expect(classifyNetError(e("CERT_HAS_EXPIRED")).kind).toBe("tls");
  });
});

describe("Fetcher", () => {
  const fetcher = (o: Partial<ConstructorParameters<typeof Fetcher>[0]> = {}) =>
    new Fetcher({ concurrency: 2, timeoutMs: 2000, retries: 1, respectRobots: false, userAgent: "gongkai/0.1 (+ops@example.invalid)", publicSite: false, backoff: { baseMs: 10 }, ...o });

  it("follows redirects hop by hop and records the chain", async () => {
    const out = await fetcher().fetch(`${base}/r1`, { method: "GET", bodyLimit: () => 100 });
    expect(out.hops.map((h) => [h.url.replace(base, ""), h.status])).toEqual([["/r1", 302], ["/r2", 301], ["/done", 200]]);
    expect(out.finalUrl).toBe(`${base}/done`);
    expect(out.body?.toString()).toBe("ok");
  });
  it("stops after ten hops", async () => {
    const out = await fetcher().fetch(`${base}/chain/0`, { method: "HEAD" });
    expect(out.redirectProblem).toBe("too-many-redirects");
    expect(out.hops).toHaveLength(10);
  });
  it("names gongkai and the contact in the User-Agent", async () => {
    const out = await fetcher().fetch(`${base}/ua`, { method: "GET", bodyLimit: () => 1000 });
    expect(out.body?.toString()).toBe("gongkai/0.1 (+ops@example.invalid)");
  });
  it("on a public site, treats links to loopback and private ranges as never to be fetched (pure decision)", () => {
    const pub = fetcher({ publicSite: true });
    expect(pub.isPrivateTarget("http://10.0.0.8/a")).toBe(true);
    expect(pub.isPrivateTarget("http://192.168.1.1/")).toBe(true);
    expect(pub.isPrivateTarget("http://localhost:8080/")).toBe(true);
    expect(pub.isPrivateTarget("http://[::1]/")).toBe(true);
    expect(pub.isPrivateTarget("https://www.gov.cn/")).toBe(false);
    // A site that itself lives on such an address is exempt.
    expect(fetcher({ publicSite: false }).isPrivateTarget("http://10.0.0.8/a")).toBe(false);
  });
});
