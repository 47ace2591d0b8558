// Run a node program as a child process and measure it: wall time, CPU seconds and peak RSS of that process alone.
// /usr/bin/time (GNU) when present, since it sees the whole process tree; otherwise a preload that reads
// process.resourceUsage() as the child exits.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface Measured {
  wallSecs: number;
  userSecs: number;
  systemSecs: number;
  cpuSecs: number;
  maxRssBytes: number;
  exitCode: number | null;
  signal: string | null;
  /** How CPU and RSS were measured. */
  via: "gnu-time" | "resource-usage";
  stdoutFile: string;
  stderrFile: string;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Files the child's stdout and stderr go to. */
  stdoutFile: string;
  stderrFile: string;
  /** Kill the child after this long (ms). */
  timeoutMs?: number;
}

const GNU_TIME = "/usr/bin/time";
const HOOK = path.join(path.dirname(fileURLToPath(import.meta.url)), "rusage-hook.mjs");

export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

/** Run `node ...nodeArgs` measured. Node flags (--cpu-prof, --import …) go first in nodeArgs. */
export async function runNodeMeasured(nodeArgs: string[], opts: RunOptions): Promise<Measured> {
  const statsFile = `${opts.stdoutFile}.rusage`;
  rmSync(statsFile, { force: true });
  const useTime = hasGnuTime();
  const [cmd, args] = useTime
    ? [GNU_TIME, ["-f", "%e %U %S %M %x", "-o", statsFile, process.execPath, ...nodeArgs]]
    : [process.execPath, ["--import", pathToFileURL(HOOK).href, ...nodeArgs]];
  const out = createWriteStream(opts.stdoutFile);
  const err = createWriteStream(opts.stderrFile);
  const started = performance.now();
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, ...(useTime ? {} : { BENCH_RUSAGE_FILE: statsFile }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(err);
  let timer: NodeJS.Timeout | undefined;
  if (opts.timeoutMs) timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
  const wallSecs = (performance.now() - started) / 1000;
  if (timer) clearTimeout(timer);
  await Promise.all([new Promise((r) => out.end(r)), new Promise((r) => err.end(r))]);
  let userSecs = NaN;
  let systemSecs = NaN;
  let maxRssBytes = NaN;
  let exitCode = code;
  if (existsSync(statsFile)) {
    const text = readFileSync(statsFile, "utf8").trim();
    if (useTime) {
      // GNU time writes "Command exited with non-zero status N" before the format line when the child fails.
      const last = text.split("\n").pop()!.trim().split(/\s+/).map(Number);
      [, userSecs, systemSecs] = last;
      maxRssBytes = last[3] * 1024;
      exitCode = code === null ? null : last[4];
    } else {
      const r = JSON.parse(text) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
      userSecs = r.userCPUTime / 1e6;
      systemSecs = r.systemCPUTime / 1e6;
      maxRssBytes = r.maxRSS * 1024;
    }
  }
  return {
    wallSecs,
    userSecs,
    systemSecs,
    cpuSecs: userSecs + systemSecs,
    maxRssBytes,
    exitCode,
    signal,
    via: useTime ? "gnu-time" : "resource-usage",
    stdoutFile: opts.stdoutFile,
    stderrFile: opts.stderrFile,
  };
}

/** The last lines of a file (for error messages). */
export function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}
