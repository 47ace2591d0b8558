// Running the real CLI (`node bin/gongkai.mjs …`) as a child process, as cron or a user would: exit codes, stdout,
// stderr, signals and the child's peak memory (its own process.resourceUsage().maxRSS, written at exit by a tiny
// preload that only observes).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const CLI = path.join(ROOT, "bin/gongkai.mjs");
const RSS_PROBE = path.join(ROOT, "tests/faults/helpers/rss-probe.mjs");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child in KB (only when measured). */
  maxRssKb?: number;
  elapsedMs: number;
}

export interface CliOptions {
  /** Kill the child (SIGKILL) after this long; the test then fails on the result. Default 120 s. */
  timeoutMs?: number;
  cwd?: string;
  env?: Record<string, string>;
  /** Run as this user (root only), so file permissions apply. */
  uid?: number;
  gid?: number;
  /** Record the child's peak RSS. */
  measureRss?: boolean;
  /** Run under `ulimit -f` (KB) with SIGXFSZ ignored: writes past the limit fail as on a full disk. */
  fileSizeLimitKb?: number;
}

export interface RunningCli {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
}

export function startCli(args: string[], opts: CliOptions = {}): RunningCli {
  const started = Date.now();
  let rssFile: string | undefined;
  const nodeArgs: string[] = [];
  if (opts.measureRss) {
    rssFile = path.join(mkdtempSync(path.join(tmpdir(), "gongkai-rss-")), "rss.json");
    if (opts.uid !== undefined) chmodSync(path.dirname(rssFile), 0o777);
    nodeArgs.push("--import", RSS_PROBE);
  }
  const [cmd, argv] =
    opts.fileSizeLimitKb === undefined
      ? [process.execPath, [...nodeArgs, CLI, ...args]]
      : ["bash", ["-c", `ulimit -f ${opts.fileSizeLimitKb}; trap '' XFSZ; exec "$0" "$@"`, process.execPath, ...nodeArgs, CLI, ...args]];
  const child = spawn(cmd, argv, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", ...(rssFile ? { GONGKAI_FAULT_RSS_FILE: rssFile } : {}), ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const r: CliResult = { code, signal, stdout: out, stderr: err, elapsedMs: Date.now() - started };
      if (rssFile) {
        try {
          r.maxRssKb = JSON.parse(readFileSync(rssFile, "utf8")).maxRSS;
        } catch {
          /* killed before exit: no figure */
        }
        rmSync(path.dirname(rssFile), { recursive: true, force: true });
      }
      resolve(r);
    });
  });
  return { child, stdout: () => out, stderr: () => err, done };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** Resolves when `cond()` holds (polled), or rejects after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh temporary folder; `cleanup()` removes it (and whatever the test made immutable or read-only in it). */
export function tempDir(prefix = "gongkai-faults-"): { dir: string; file: (name: string) => string; writeJson: (name: string, v: unknown) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    file: (name) => path.join(dir, name),
    writeJson: (name, v) => {
      const f = path.join(dir, name);
      writeFileSync(f, typeof v === "string" ? v : JSON.stringify(v, null, 2));
      return f;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
