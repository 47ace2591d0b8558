// The findings server: a small JSON API over the store for the browser extension (node:http, no framework).
// Every request needs a bearer token; maintainers change only their own department's findings, the office all.
// Hostile use is expected: paths, bodies, origins and request rates are all checked before anything is read.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { FINDING_STATES, formatIssues, type FindingState } from "../../shared/schema.js";
import type { Store, StoredFinding } from "../store/types.js";
import {
  SETTABLE_STATES,
  type ColumnRef,
  type ErrorResponse,
  type MeResponse,
  type MineResponse,
  type SetStateResponse,
} from "./api-types.js";
import { departmentOf } from "./findings-index.js";
import { SitesIndex, visibleTo } from "./sites-index.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { TokenAuthenticator, bearerToken, parseTokens, type Caller, type TokenEntry } from "./tokens.js";

export const VERSION = "0.1.0";

/**
 * The extension's own id: its manifest carries a fixed public key (extension/package.json manifest.key), so an
 * unpacked build always has this id. A store-published build gets another id: pass it with --allow-origin.
 */
export const EXTENSION_ID = "mcecfampjblgddckichaccphobfofgli";
export const DEFAULT_ALLOWED_ORIGINS = [`chrome-extension://${EXTENSION_ID}`];

export interface ServerOptions {
  store: Store;
  tokens: TokenEntry[];
  port?: number;
  host?: string;
  /** Origins whose browser requests are answered (CORS). Default: the extension's origin. Others get 403. */
  allowedOrigins?: string[];
  /** The monitored site and its columns, when the server was given the config (else learnt from the store). */
  site?: { name: string; baseUrl: string };
  columns?: ColumnRef[];
  /** Largest request body accepted, in bytes (default 64 KB; larger → 413). */
  maxBodyBytes?: number;
  /** Per-token limit for authenticated callers, and per-address limit for everything else. */
  rateLimit?: { authenticated?: RateLimitOptions; anonymous?: RateLimitOptions };
  /** One line per request (method, path, status, time, who); never the token. */
  log?: (line: string) => void;
  /** How long (ms) a snapshot of the findings is reused before the store is read again (default 2000). */
  cacheMs?: number;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorResponse["error"],
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const STATES_PARAM = z
  .string()
  .max(200)
  .optional()
  .transform((s, ctx) => {
    if (s === undefined || s === "") return ["open"] as FindingState[];
    const parts = s.split(",").map((p) => p.trim());
    for (const p of parts)
      if (!(FINDING_STATES as readonly string[]).includes(p)) {
        ctx.addIssue({ code: "custom", message: `unknown state "${p}" (expected ${FINDING_STATES.join(", ")})` });
        return z.NEVER;
      }
    return [...new Set(parts)] as FindingState[];
  });

const PageQuery = z.object({
  page: z.string({ error: "required: the page's URL" }).min(1, "required: the page's URL").max(8192),
  states: STATES_PARAM,
});
const MineQuery = z.object({
  states: STATES_PARAM,
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const SetStateBody = z.strictObject({
  state: z.enum(SETTABLE_STATES),
  note: z.string().max(2000).optional(),
});
const FINDING_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Routes: path pattern → allowed methods. Checked after authentication, so callers without a token learn nothing. */
type Route =
  | { name: "me" }
  | { name: "page" }
  | { name: "mine" }
  | { name: "finding"; id: string }
  | { name: "state"; id: string };

function matchRoute(segments: string[]): { route: Route; methods: string[] } | undefined {
  const [a, b, c, d, ...rest] = segments;
  if (a !== "api" || rest.length) return undefined;
  if (b === "me" && c === undefined) return { route: { name: "me" }, methods: ["GET"] };
  if (b !== "findings") return undefined;
  if (c === undefined) return { route: { name: "page" }, methods: ["GET"] };
  if (c === "mine" && d === undefined) return { route: { name: "mine" }, methods: ["GET"] };
  if (d === undefined) return { route: { name: "finding", id: c }, methods: ["GET"] };
  if (d === "state") return { route: { name: "state", id: c }, methods: ["POST"] };
  return undefined;
}

/**
 * Split a request target into decoded path segments. Anything that could walk or smuggle a path is refused:
 * dot segments (plain or encoded), encoded slashes or backslashes, NULs, bad percent-encoding.
 */
export function parseRequestTarget(target: string): { segments: string[]; query: URLSearchParams } {
  if (target.length > 16_384) throw new HttpError(400, "bad_request", "请求地址过长 request target too long");
  if (!target.startsWith("/")) throw new HttpError(400, "bad_request", "请求地址无效 invalid request target");
  const q = target.indexOf("?");
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? "" : target.slice(q + 1);
  if (rawPath.includes("\\")) throw new HttpError(400, "bad_request", "路径无效 invalid path");
  const segments: string[] = [];
  const parts = rawPath === "/" ? [] : rawPath.split("/").slice(1);
  for (let i = 0; i < parts.length; i++) {
    const raw = parts[i];
    if (raw === "" && i === parts.length - 1 && i > 0) continue; // one trailing slash is tolerated
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw new HttpError(400, "bad_request", "路径编码无效 invalid percent-encoding in path");
    }
    if (seg === "" || seg === "." || seg === ".." || /[/\\\u0000-\u001f]/.test(seg))
      throw new HttpError(400, "bad_request", "路径无效 invalid path");
    segments.push(seg);
  }
  let query: URLSearchParams;
  try {
    // URLSearchParams replaces bad escapes instead of throwing; check them first so `%zz` is a 400, not garbage.
    decodeURIComponent(rawQuery.replace(/\+/g, " "));
    query = new URLSearchParams(rawQuery);
  } catch {
    throw new HttpError(400, "bad_request", "查询参数编码无效 invalid percent-encoding in query");
  }
  return { segments, query };
}

function zodMessage(error: z.ZodError, prefix: string): string {
  return `${prefix}: ${formatIssues(error).join("; ")}`;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const tokens = parseTokens({ tokens: opts.tokens });
  const auth = new TokenAuthenticator(tokens);
  const store = opts.store;
  const allowedOrigins = new Set(opts.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS);
  const anyExtension = allowedOrigins.has("chrome-extension://*");
  const maxBody = opts.maxBodyBytes ?? 64 * 1024;
  const userLimiter = new RateLimiter(opts.rateLimit?.authenticated ?? { burst: 120, perSecond: 30 });
  const anonLimiter = new RateLimiter(opts.rateLimit?.anonymous ?? { burst: 30, perSecond: 5 });
  const cacheMs = opts.cacheMs ?? 2000;
  const log = opts.log ?? (() => {});

  // The index being built is shared by the requests that arrive meanwhile (one read of the store, not one each).
  let index: Promise<SitesIndex> | undefined;
  let indexAt = 0;
  const getIndex = (): Promise<SitesIndex> => {
    const now = Date.now();
    if (!index || now - indexAt > cacheMs) {
      const building = (async () => {
        const current = await store.findings({ states: ["open", "acknowledged", "false-positive"] });
        const columnHints = await store.findings({ kinds: ["stale-column", "empty-column"] });
        return new SitesIndex(current, await store.sites(), columnHints, opts.columns ?? []);
      })();
      // A failed read is not kept: the next request tries again.
      building.catch(() => {
        if (index === building) index = undefined;
      });
      index = building;
      indexAt = now;
    }
    return index;
  };

  const originAllowed = (origin: string) =>
    allowedOrigins.has(origin) || (anyExtension && /^chrome-extension:\/\/[a-p]{32}$/.test(origin));

  // The site of the latest run among the sites this caller may see (a store may hold several).
  const site = async (caller: Caller): Promise<MeResponse["site"]> => {
    if (opts.site) return opts.site;
    const latest = (await store.runs(1))[0];
    if (latest && (!caller.sites || (latest.siteId !== undefined && caller.sites.includes(latest.siteId))))
      return { name: latest.siteName, baseUrl: latest.baseUrl };
    const mine = (await store.sites()).filter((s) => !caller.sites || caller.sites.includes(s.id));
    const newest = mine.sort((a, b) => (b.lastRun?.startedAt ?? "").localeCompare(a.lastRun?.startedAt ?? ""))[0];
    return newest ? { name: newest.name, baseUrl: newest.baseUrl } : null;
  };

  const siteOrigins = async (caller: Caller): Promise<string[]> => {
    const out = new Set<string>();
    const s = await site(caller);
    for (const url of [s?.baseUrl, ...(opts.columns ?? []).map((c) => c.url)]) {
      if (!url) continue;
      try {
        out.add(new URL(url).origin);
      } catch {
        // not a URL: nothing to run on
      }
    }
    for (const o of (await getIndex()).origins(caller)) out.add(o);
    return [...out].sort();
  };

  const readJsonBody = (req: http.IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
      const declared = req.headers["content-length"] ? Number(req.headers["content-length"]) : undefined;
      const tooLarge = () =>
        new HttpError(413, "payload_too_large", `请求体过大（上限 ${maxBody} 字节）request body too large (limit ${maxBody} bytes)`, {
          Connection: "close",
        });
      if (declared !== undefined && declared > maxBody) {
        drain(req);
        return reject(tooLarge());
      }
      if (type !== "application/json") {
        drain(req);
        return reject(new HttpError(415, "unsupported_media_type", "请求体须为 JSON request body must be application/json"));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) {
          if (!over) {
            over = true;
            chunks.length = 0;
          }
          if (size > maxBody * 16) req.destroy(); // a sender that will not stop: drop the connection
          return;
        }
        chunks.push(chunk);
      });
      req.on("error", reject);
      req.on("end", () => {
        if (over) return reject(tooLarge());
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new HttpError(400, "bad_request", "请求体不是有效的 JSON request body is not valid JSON"));
        }
      });
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, who: { caller?: Caller }) => {
    const { segments, query } = parseRequestTarget(req.url ?? "/");
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!originAllowed(origin)) throw new HttpError(403, "forbidden_origin", "不接受来自该来源的请求 requests from this origin are not accepted");
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
    }
    if (req.method === "OPTIONS") {
      // Preflights are answered from constants (no store, no hashing), so they are not rate-limited: behind a
      // reverse proxy every user shares one address, and each new page's request needs its own preflight.
      res.writeHead(204, {
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": "600",
      });
      res.end();
      return;
    }

    // Authenticate before routing: without a valid token nothing about the API (not even its routes) is revealed.
    const presented = bearerToken(req.headers.authorization);
    const caller = presented ? auth.identify(presented) : undefined;
    if (!caller) {
      // Unauthenticated traffic is limited per address, so guessing tokens is slow and floods stay cheap.
      const limited = anonLimiter.take(`ip:${req.socket.remoteAddress}`);
      if (limited) throw new HttpError(429, "too_many_requests", "请求过于频繁 too many requests", { "Retry-After": String(limited) });
      throw new HttpError(
        401,
        "unauthorized",
        presented ? "令牌无效 invalid token" : "缺少令牌：请在扩展选项中填写 missing bearer token (Authorization: Bearer …)",
        { "WWW-Authenticate": 'Bearer realm="gongkai"' },
      );
    }
    who.caller = caller;
    const limited = userLimiter.take(`token:${caller.key}`);
    if (limited) throw new HttpError(429, "too_many_requests", "请求过于频繁 too many requests", { "Retry-After": String(limited) });

    const matched = matchRoute(segments);
    if (!matched) {
      drain(req);
      throw new HttpError(404, "not_found", "没有这个接口 no such endpoint");
    }
    if (!matched.methods.includes(req.method ?? "")) {
      drain(req);
      throw new HttpError(405, "method_not_allowed", `该接口只接受 ${matched.methods.join(", ")} only ${matched.methods.join(", ")} allowed`, {
        Allow: [...matched.methods, "OPTIONS"].join(", "),
      });
    }
    const route = matched.route;
    switch (route.name) {
      case "me": {
        const body: MeResponse = {
          server: "gongkai",
          version: VERSION,
          user: { name: caller.name, department: caller.department, role: caller.role },
          site: await site(caller),
          siteOrigins: await siteOrigins(caller),
        };
        return send(res, 200, body);
      }
      case "page": {
        const q = PageQuery.safeParse(Object.fromEntries(query));
        if (!q.success) throw new HttpError(400, "bad_request", zodMessage(q.error, "查询参数有误 invalid query"));
        const result = (await getIndex()).forPage(q.data.page, q.data.states, caller);
        if (!result) throw new HttpError(400, "bad_request", "page 须为 http(s) 网址 page must be an http(s) URL");
        return send(res, 200, result);
      }
      case "mine": {
        const q = MineQuery.safeParse(Object.fromEntries(query));
        if (!q.success) throw new HttpError(400, "bad_request", zodMessage(q.error, "查询参数有误 invalid query"));
        const all = caller.role === "office";
        const list = (await getIndex()).forDepartment(all ? undefined : caller.department, q.data.states, caller);
        const body: MineResponse = {
          department: caller.department,
          scope: all ? "all" : "department",
          total: list.length,
          findings: list.slice(0, q.data.limit),
        };
        return send(res, 200, body);
      }
      case "finding": {
        const finding = await lookup(route.id, caller);
        return send(res, 200, { finding });
      }
      case "state": {
        if (!FINDING_ID.test(route.id)) {
          drain(req);
          throw new HttpError(404, "not_found", "没有这个问题 no such finding");
        }
        const raw = await readJsonBody(req);
        const body = SetStateBody.safeParse(raw);
        if (!body.success) throw new HttpError(400, "bad_request", zodMessage(body.error, "请求体有误 invalid body"));
        const finding = await lookup(route.id, caller);
        if (caller.role !== "office" && departmentOf(finding) !== caller.department)
          throw new HttpError(
            403,
            "forbidden",
            `只能处理本科室（${caller.department}）的问题，该问题属于${departmentOf(finding)} you may only change your own department's findings`,
          );
        if (finding.state === "fixed")
          throw new HttpError(409, "conflict", "该问题已修复，无需处理 this finding is already fixed");
        const updated = await (finding.siteId && store.siteId === undefined ? store.forSite(finding.siteId) : store).setState(finding.id, {
          state: body.data.state,
          by: { name: caller.name, department: caller.department },
          note: body.data.note?.trim() || undefined,
        });
        index = undefined; // the next read sees the change
        const out: SetStateResponse = { finding: updated };
        return send(res, 200, out);
      }
    }
  };

  const lookup = async (id: string, caller: Caller): Promise<StoredFinding> => {
    const finding = FINDING_ID.test(id) ? await store.finding(id) : undefined;
    if (!finding || !visibleTo(caller, finding)) throw new HttpError(404, "not_found", "没有这个问题 no such finding");
    return finding;
  };

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const who: { caller?: Caller } = {};
    res.on("finish", () => {
      const path = (req.url ?? "").split("?")[0].slice(0, 200);
      log(`${new Date().toISOString()} ${req.method} ${path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms ${who.caller?.name ?? "-"}`);
    });
    handle(req, res, who).catch((e: unknown) => {
      if (e instanceof HttpError) return send(res, e.status, { error: e.code, message: e.message }, e.headers);
      // Unexpected: details go to the server's log, never to the client.
      log(`${new Date().toISOString()} error ${(e as Error)?.stack ?? String(e)}`);
      send(res, 500, { error: "internal", message: "服务器内部错误 internal server error" });
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8787, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Gongkai-Server": VERSION,
    ...headers,
  });
  res.end(text);
}

/** Read and discard what is left of a request body (bounded), so the connection can answer cleanly. */
function drain(req: http.IncomingMessage) {
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size > 1024 * 1024) req.destroy();
  });
  req.resume();
}
