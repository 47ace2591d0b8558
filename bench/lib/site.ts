// Parent side of the bench's site process (bench/site-process.ts): start it, ask it things over IPC, stop it.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { ConfigInput } from "../../shared/schema.js";
import type { SiteCounts } from "./stats.js";

export interface SiteInfo {
  baseUrl: string;
  externalBaseUrl: string;
  startMs: number;
  size: "demo" | number;
  latencyMs: number;
  pageCount: number;
  trapPrefix: string;
  robotsDisallowed: string[];
  now: string;
  columns: { id: string; url: string; type: string; listPages: number; items: number; charset?: string; sampleItems?: string[] }[];
  planted: number;
  plantedLinks: { kind: string; reason: string; pageUrl: string; targetUrl?: string }[];
  config: ConfigInput;
  rss: number;
}

export type Counters = SiteCounts & { elapsedMs: number; cpuUserMs: number; cpuSystemMs: number };

/** What an overridden path answers (the demo server's override). */
export interface OverrideResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface BenchSite {
  info: SiteInfo;
  pid: number;
  counters(): Promise<Counters>;
  reset(): Promise<void>;
  /** Write every URL requested since the last reset to a file (host + path, sorted). */
  dumpUrls(file: string): Promise<void>;
  override(pathname: string, res: OverrideResponse | null): Promise<void>;
  close(): Promise<void>;
}

export interface SiteOptions {
  size: "demo" | number;
  latencyMs: number;
  port?: number;
  externalPort?: number;
  now?: string;
  /** Where the repository is (bin/run-ts.mjs is run from there). */
  root: string;
}

export async function startSiteProcess(opts: SiteOptions): Promise<BenchSite> {
  const child: ChildProcess = fork(path.join(opts.root, "bin/run-ts.mjs"), [path.join(opts.root, "bench/site-process.ts")], {
    cwd: opts.root,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      BENCH_SITE_SIZE: String(opts.size),
      BENCH_SITE_LATENCY_MS: String(opts.latencyMs),
      ...(opts.port !== undefined ? { BENCH_SITE_PORT: String(opts.port) } : {}),
      ...(opts.externalPort !== undefined ? { BENCH_SITE_EXTERNAL_PORT: String(opts.externalPort) } : {}),
      ...(opts.now ? { BENCH_SITE_NOW: opts.now } : {}),
    },
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (m: { id: number; value?: unknown; error?: string }) => {
      if (m.id === 0) return resolve();
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`site process: ${m.error}`));
      else p.resolve(m.value);
    });
    child.once("exit", (code, signal) => {
      exited = new Error(`site process exited (code ${code}, signal ${signal})`);
      reject(exited);
      for (const p of pending.values()) p.reject(exited);
      pending.clear();
    });
  });
  await ready;
  const ask = <T>(op: string, extra: Record<string, unknown> = {}): Promise<T> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, op, ...extra });
    });
  };
  const info = await ask<SiteInfo>("info");
  return {
    info,
    pid: child.pid!,
    counters: () => ask<Counters>("counters"),
    reset: () => ask<void>("reset"),
    dumpUrls: (file) => ask<void>("dump", { file }),
    override: (pathname, res) => ask<void>("override", { path: pathname, res }),
    async close() {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once("exit", () => r()));
      await ask("close").catch(() => undefined);
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
