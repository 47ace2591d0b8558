// The one HTTP client under the crawler: node's http/https with keep-alive, one request per call, no redirects
// followed (the caller follows them hop by hop, recording the chain and asking robots.txt and the address rules at
// each hop). One deadline covers connect, headers and the whole body, so a server that trickles bytes cannot hold a
// request past the timeout. Bodies are read up to a cap and never whole into memory beyond it.
import http from "node:http";
import https from "node:https";
import zlib from "node:zlib";
import dns from "node:dns";
import type { NetErrorKind } from "./retry.js";

export interface HttpRequest {
  url: string;
  method: "GET" | "HEAD" | "POST";
  headers: Record<string, string>;
  /** Request body (POST only), sent as is; its content type belongs in `headers`. */
  body?: Buffer;
  timeoutMs: number;
  /**
   * How many body bytes to keep, decided once the headers are in (e.g. 0 for an attachment: only "is it empty?"
   * matters, which one byte answers). Reading stops at the cap and the rest is never downloaded.
   */
  bodyLimit: (status: number, headers: http.IncomingHttpHeaders) => number;
  signal?: AbortSignal;
  /** Refuse to connect to an address (checked on the resolved IP, so DNS cannot smuggle one in). */
  refuseAddress?: (address: string) => boolean;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body (decompressed) up to the cap; empty for HEAD. */
  body: Buffer;
  /** True when the body went on past the cap (or past the first byte when only emptiness was asked). */
  truncated: boolean;
  /** Bytes received on the wire (compressed), for the stats. */
  wireBytes: number;
}

export class NetError extends Error {
  constructor(
    readonly kind: NetErrorKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 64, scheduling: "lifo" as const };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent({ ...agentOptions, rejectUnauthorized: true });

/** Map a node network error to what it means for a link. */
export function classifyNetError(e: unknown): NetError {
  if (e instanceof NetError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? "";
  const msg = err?.message ?? String(e);
  if (code === "ENOTFOUND" || code === "ENODATA" || code === "EAI_NONAME" || code === "EAI_FAIL") return new NetError("dns", `DNS: ${msg}`, code);
  if (code === "EAI_AGAIN") return new NetError("dns-temporary", `DNS: ${msg}`, code);
  if (code === "ECONNREFUSED") return new NetError("refused", msg, code);
  if (code === "ETIMEDOUT" || code === "ESOCKETTIMEDOUT") return new NetError("timeout", msg, code);
  if (/^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_SSL|EPROTO)/.test(code) || /certificate|ssl|tls/i.test(msg))
    return new NetError("tls", msg, code);
  if (code === "HPE_INVALID_CONSTANT" || code.startsWith("HPE_") || code === "ERR_INVALID_CHAR" || code === "Z_DATA_ERROR" || code === "ERR_INVALID_URL")
    return new NetError("protocol", msg, code);
  if (code === "ABORT_ERR" || err?.name === "AbortError") return new NetError("aborted", msg, code);
  return new NetError("connection", msg, code || undefined);
}

function guardedLookup(refuse: (address: string) => boolean): typeof dns.lookup {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    dns.lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err);
      const list = Array.isArray(address) ? address : [{ address, family }];
      const bad = list.find((a) => refuse(typeof a === "string" ? a : a.address));
      if (bad) {
        const e = new Error(`refused: ${hostname} resolves to a non-public address`) as NodeJS.ErrnoException;
        e.code = "EGONGKAI_PRIVATE";
        return callback(e);
      }
      callback(null, address, family);
    });
  }) as typeof dns.lookup;
}

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new NetError("protocol", `invalid URL: ${req.url.slice(0, 200)}`, "ERR_INVALID_URL"));
      return;
    }
    const isHttps = url.protocol === "https:";
    const lib = isHttps ? https : http;
    let settled = false;
    let wireBytes = 0;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const fail = (e: unknown) => finish(() => reject(classifyNetError(e)));

    let request: http.ClientRequest;
    try {
      request = lib.request(url, {
        method: req.method,
        headers: req.headers,
        agent: isHttps ? httpsAgent : httpAgent,
        lookup: req.refuseAddress ? guardedLookup(req.refuseAddress) : undefined,
        insecureHTTPParser: true, // government servers send odd headers; be as lenient as a browser
      });
    } catch (e) {
      fail(e);
      return;
    }
    const timer = setTimeout(() => {
      const e = new NetError("timeout", `no complete answer within ${Math.round(req.timeoutMs / 1000)} s`, "ETIMEDOUT");
      fail(e);
      request.destroy(e);
    }, req.timeoutMs);
    const onAbort = () => {
      fail(new NetError("aborted", "aborted", "ABORT_ERR"));
      request.destroy();
    };
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener("abort", onAbort, { once: true });

    request.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EGONGKAI_PRIVATE") return fail(new NetError("refused", e.message, e.code));
      fail(e);
    });
    request.on("response", (res) => {
      const status = res.statusCode ?? 0;
      const headers = res.headers;
      res.on("data", (c: Buffer) => (wireBytes += c.length));
      const limit = req.method === "HEAD" ? 0 : Math.max(0, req.bodyLimit(status, headers));
      if (req.method === "HEAD" || status === 204 || status === 304) {
        res.resume();
        res.on("end", () => finish(() => resolve({ status, headers, body: Buffer.alloc(0), truncated: false, wireBytes })));
        res.on("error", fail);
        return;
      }
      const enc = String(headers["content-encoding"] ?? "").trim().toLowerCase();
      let stream: NodeJS.ReadableStream = res;
      if (enc === "gzip" || enc === "x-gzip") stream = res.pipe(zlib.createGunzip());
      else if (enc === "deflate") stream = res.pipe(zlib.createInflate());
      else if (enc === "br") stream = res.pipe(zlib.createBrotliDecompress());
      // To learn whether a body is empty we need its first byte, not the whole attachment.
      const keep = limit === 0 ? 1 : limit;
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      stream.on("data", (c: Buffer) => {
        if (settled) return;
        if (kept + c.length > keep) {
          chunks.push(c.subarray(0, keep - kept));
          kept = keep;
          truncated = true;
          // Stop the download: the rest would only cost bandwidth and memory.
          const body = Buffer.concat(chunks);
          finish(() => resolve({ status, headers, body, truncated: true, wireBytes }));
          res.destroy();
          return;
        }
        chunks.push(c);
        kept += c.length;
      });
      stream.on("end", () => finish(() => resolve({ status, headers, body: Buffer.concat(chunks), truncated, wireBytes })));
      stream.on("error", (e) => {
        // A broken compressed stream after some data: keep what we have rather than calling the link dead.
        if (kept > 0) finish(() => resolve({ status, headers, body: Buffer.concat(chunks), truncated: true, wireBytes }));
        else fail(e);
      });
      res.on("aborted", () => fail(new NetError("connection", "connection closed mid-body", "ECONNRESET")));
    });
    request.end(req.method === "POST" && req.body ? req.body : undefined);
  });
}
