// Helpers of the queue tests (queue-*.test.ts): gongkai commands as real processes, and their logs.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export class Proc {
  out = "";
  readonly exit: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (d) => (this.out += d));
    child.stderr!.on("data", (d) => (this.out += d));
    this.exit = new Promise((r) => child.on("exit", (code) => r(code)));
  }
  count(re: RegExp): number {
    return this.out.match(new RegExp(re.source, "g"))?.length ?? 0;
  }
  /** Wait until the log matches `re` `times` times. */
  async waitFor(re: RegExp, times = 1, timeoutMs = 120_000): Promise<void> {
    const t0 = Date.now();
    while (this.count(re) < times) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re} ×${times}; log:\n${this.out.slice(-4000)}`);
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`exited ${this.child.exitCode ?? this.child.signalCode} before ${re}; log:\n${this.out.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** `gongkai ARGS…` as a child process. */
export function gongkai(args: string[], cwd: string): Proc {
  return new Proc(spawn(process.execPath, [path.join(root, "bin/gongkai.mjs"), ...args], { cwd }));
}

/** Run a gongkai command to its end; its exit code and log. */
export async function gongkaiRun(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  const p = gongkai(args, cwd);
  const code = await p.exit;
  return { code, out: p.out };
}

/** Sites whose crawl a worker's log says it started: "[id] 开始抓取". */
export function sitesStarted(log: string): string[] {
  return [...log.matchAll(/\[([a-z0-9_-]+)\] 开始抓取 crawl started/g)].map((m) => m[1]);
}

/** Sites whose crawl a worker's log says it finished: "完成 done id". */
export function sitesDone(log: string): string[] {
  return [...log.matchAll(/完成 done ([a-z0-9_-]+) /g)].map((m) => m[1]);
}
