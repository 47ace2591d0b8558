// A misbehaving website on loopback (127.0.0.1 or 127.0.0.2) for the fault suite. Each route is a raw node
// handler, so a test can make the server do anything a real one does wrong: never finish, trickle bytes, stream
// 300 MB, close the socket, redirect forever, lie about types and charsets. It records every request (with the
// User-Agent) and the bytes it managed to send, and it can go down for real (listener closed, sockets destroyed)
// and come back on the same port.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface SeenRequest {
  method: string;
  /** The request target as sent (path and query). */
  path: string;
  userAgent: string;
  at: number;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, nth: number) => void;

export interface FaultSite {
  /** `http://127.0.0.1:PORT/` */
  baseUrl: string;
  /** `127.0.0.1:PORT` */
  host: string;
  port: number;
  requests: SeenRequest[];
  /** Body bytes written to sockets per path (what a client actually pulled before hanging up). */
  bytesSent: Map<string, number>;
  route(path: string, handler: Handler): void;
  /** Requests seen for one path (query included when given), any method. */
  count(path: string, method?: string): number;
  /** Stop answering: close the listener and destroy every open connection (new connects are refused). */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  /** Go down by itself once this many requests have arrived (the request that reaches it is not answered). */
  downAfter(n: number): void;
  close(): Promise<void>;
}

/** A plain UTF-8 page. */
export function page(title: string, body: string, head = ""): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;
}

/** Answer HTML (UTF-8 unless headers say otherwise). */
export function html(body: string | Buffer, headers: Record<string, string> = {}, status = 200): Handler {
  return (req, res) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": String(buf.length), ...headers });
    res.end(req.method === "HEAD" ? undefined : buf);
  };
}

export function status(code: number, headers: Record<string, string> = {}): Handler {
  return html(page(String(code), `<h1>${code}</h1>`), headers, code);
}

export function redirect(to: string, code = 302): Handler {
  return (_req, res) => {
    res.writeHead(code, { location: to, "content-length": "0" });
    res.end();
  };
}

/**
 * Stream `total` bytes: `head` first, then filler, honouring backpressure, so the server never holds the body in
 * memory and a client that stops reading makes it stop too. Counts what was written.
 */
export function streamed(total: number, opts: { head?: string | Buffer; contentType?: string; headStatus?: number; refuseHead?: boolean } = {}): Handler {
  return (req, res) => {
    if (req.method === "HEAD" && opts.refuseHead) {
      res.writeHead(405, { "content-length": "0" });
      res.end();
      return;
    }
    res.writeHead(opts.headStatus ?? 200, { "content-type": opts.contentType ?? "text/html; charset=utf-8", "content-length": String(total) });
    if (req.method === "HEAD") return void res.end();
    const head = opts.head === undefined ? Buffer.alloc(0) : Buffer.isBuffer(opts.head) ? opts.head : Buffer.from(opts.head, "utf8");
    const filler = Buffer.alloc(64 * 1024, "<p>填充内容 filler text</p>\n");
    let sent = 0;
    const pump = () => {
      while (sent < total && !res.destroyed) {
        const chunk = sent < head.length ? head.subarray(sent) : filler;
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!res.write(piece)) return void res.once("drain", pump);
      }
      if (sent >= total) res.end();
    };
    pump();
  };
}

/** Send headers and `bytes` every `everyMs` forever (or until the client leaves). */
export function trickle(opts: { bytes: number; everyMs: number; forever?: boolean; total?: number }): Handler {
  return (_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.write("<!DOCTYPE html><html><head><title>慢</title></head><body>");
    let sent = 0;
    const t = setInterval(() => {
      if (res.destroyed) return clearInterval(t);
      res.write("x".repeat(opts.bytes));
      sent += opts.bytes;
      if (!opts.forever && opts.total !== undefined && sent >= opts.total) {
        clearInterval(t);
        res.end("</body></html>");
      }
    }, opts.everyMs);
    res.on("close", () => clearInterval(t));
  };
}

/** Accept the request, send nothing at all, never answer. */
export const hang: Handler = () => {};

export async function startFaultSite(routes: Record<string, Handler> = {}, opts: { host?: "127.0.0.1" | "127.0.0.2" } = {}): Promise<FaultSite> {
  const host = opts.host ?? "127.0.0.1";
  const table = new Map(Object.entries(routes));
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let downAfter = Infinity;
  let server: http.Server | undefined;

  const site: FaultSite = {
    baseUrl: "",
    host: "",
    port: 0,
    requests: [],
    bytesSent: new Map(),
    route: (p, h) => void table.set(p, h),
    count: (p, method) => site.requests.filter((r) => (r.path === p || r.path.split("?")[0] === p) && (!method || r.method === method)).length,
    down: async () => {
      const s = server;
      server = undefined;
      if (!s) return;
      const closed = new Promise<void>((r) => s.close(() => r()));
      for (const sock of sockets) sock.destroy();
      await closed;
    },
    up: () => listen(site.port),
    downAfter: (n) => void (downAfter = n),
    close: () => site.down(),
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const target = req.url ?? "/";
    site.requests.push({ method: req.method ?? "GET", path: target, userAgent: String(req.headers["user-agent"] ?? ""), at: Date.now() });
    if (site.requests.length >= downAfter) {
      downAfter = Infinity;
      void site.down();
      return;
    }
    const pathOnly = target.split("?")[0];
    let decoded = pathOnly;
    try {
      decoded = decodeURIComponent(pathOnly);
    } catch {
      /* keep as sent */
    }
    const key = table.has(target) ? target : table.has(pathOnly) ? pathOnly : table.has(decoded) ? decoded : undefined;
    const n = (counts.get(target) ?? 0) + 1;
    counts.set(target, n);
    // Count the body bytes that really left: a capped reader makes this stop early.
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    const add = (chunk: unknown) => {
      if (chunk && typeof chunk !== "function") {
        const len = typeof chunk === "string" ? Buffer.byteLength(chunk) : (chunk as Buffer).length;
        site.bytesSent.set(pathOnly, (site.bytesSent.get(pathOnly) ?? 0) + len);
      }
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => (add(chunk), write(chunk, ...rest))) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => (add(chunk), end(chunk, ...rest))) as typeof res.end;
    if (key === undefined) return void html(page("404 页面不存在", "<h1>404</h1><p>您访问的页面不存在</p>"), {}, 404)(req, res, n);
    try {
      table.get(key)!(req, res, n);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    }
  };

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      const s = http.createServer(handler);
      s.keepAliveTimeout = 1000;
      s.on("connection", (sock) => {
        sockets.add(sock);
        sock.on("close", () => sockets.delete(sock));
      });
      s.once("error", reject);
      s.listen(port, host, () => {
        server = s;
        site.port = (s.address() as AddressInfo).port;
        site.host = `${host}:${site.port}`;
        site.baseUrl = `http://${site.host}/`;
        resolve();
      });
    });

  await listen(0);
  return site;
}
