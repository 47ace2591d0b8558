// A small scriptable site on loopback for crawler tests: routes by path, counts every request and the most in
// flight at once, optional latency. Loopback only (127.0.0.1 / 127.0.0.2).
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Reply {
  status?: number;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Delay before answering, ms. */
  delayMs?: number;
  /** Send the body this slowly: one chunk of `trickle.bytes` every `trickle.everyMs`. */
  trickle?: { bytes: number; everyMs: number };
  /** Close the connection without answering. */
  destroy?: boolean;
}

export type Route = Reply | ((req: http.IncomingMessage, n: number) => Reply);

export interface TestSite {
  baseUrl: string;
  host: string;
  requests: { method: string; url: string; userAgent?: string; headers: http.IncomingHttpHeaders }[];
  maxInFlight: number;
  route(path: string, r: Route): void;
  close(): Promise<void>;
}

export async function startTestSite(routes: Record<string, Route>, opts: { host?: string; latencyMs?: number } = {}): Promise<TestSite> {
  // The routes object stays live: routes added after the start are served too.
  const table = { get: (k: string): Route | undefined => (Object.hasOwn(routes, k) ? routes[k] : undefined) };
  const counts = new Map<string, number>();
  let inFlight = 0;
  const site: TestSite = {
    baseUrl: "",
    host: "",
    requests: [],
    maxInFlight: 0,
    route: (p, r) => void (routes[p] = r),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server = http.createServer((req, res) => {
    inFlight++;
    site.maxInFlight = Math.max(site.maxInFlight, inFlight);
    let done = false;
    const end = () => {
      if (!done) {
        done = true;
        inFlight--;
      }
    };
    res.on("close", end);
    const url = req.url ?? "/";
    site.requests.push({ method: req.method ?? "GET", url, userAgent: req.headers["user-agent"], headers: req.headers });
    const key = `${req.method} ${url}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const route = table.get(url) ?? table.get(decodeURIComponent(url.split("?")[0]) + (url.includes("?") ? "?*" : "")) ?? table.get(url.split("?")[0] + "?*");
    const reply: Reply = route === undefined ? { status: 404, body: "<html><body>Not Found</body></html>" } : typeof route === "function" ? route(req, n) : route;
    const send = () => {
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, "utf8");
      const headers: Record<string, string | number> = { "content-type": "text/html; charset=utf-8", ...reply.headers };
      if (reply.trickle) {
        res.writeHead(reply.status ?? 200, headers);
        let i = 0;
        const t = setInterval(() => {
          if (res.destroyed || i >= body.length) {
            clearInterval(t);
            res.end();
            return;
          }
          res.write(body.subarray(i, i + reply.trickle!.bytes));
          i += reply.trickle!.bytes;
        }, reply.trickle.everyMs);
        res.on("close", () => clearInterval(t));
        return;
      }
      if (!("content-length" in headers) && !("Content-Length" in headers)) headers["content-length"] = body.length;
      res.writeHead(reply.status ?? 200, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const delay = (reply.delayMs ?? 0) + (opts.latencyMs ?? 0);
    if (delay > 0) setTimeout(send, delay);
    else send();
  });
  await new Promise<void>((r) => server.listen(0, opts.host ?? "127.0.0.1", () => r()));
  const addr = server.address() as AddressInfo;
  site.host = `${opts.host ?? "127.0.0.1"}:${addr.port}`;
  site.baseUrl = `http://${site.host}/`;
  return site;
}

/** A plain page with a title, a body and links. */
export function page(title: string, body: string, extraHead = ""): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title>${extraHead}</head><body>${body}</body></html>`;
}

/** A published static page with an ETag: 304 to a matching If-None-Match, as a CMS's static files answer. */
export function withEtag(body: string, etag: string, extra: Partial<Reply> = {}): (req: http.IncomingMessage) => Reply {
  return (req) =>
    req.headers["if-none-match"] === etag ? { status: 304, headers: { etag }, ...extra } : { headers: { etag, "content-type": "text/html; charset=utf-8" }, body, ...extra };
}

