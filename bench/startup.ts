// Start-up of the compiled CLI, as the installed `gongkai` runs it (package.json "bin" → dist/crawler/main.js):
//   - `gongkai --help`: spawn to exit (target ≤ 0.2 s);
//   - `gongkai crawl`: spawn to the first request reaching a loopback site (target ≤ 0.5 s).
// For comparison the same through the development runner (tsx, bin/gongkai.mjs) and through `npx gongkai`.
// `node bin/run-ts.mjs bench/startup.ts [--runs 7]` on its own, or as part of `npm run bench` (bench/run.ts).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const STARTUP_TARGETS = { helpMs: 200, firstRequestMs: 500 };

export interface StartupFigures {
  runs: number;
  /** Median spawn → exit of `gongkai --help`, ms. */
  helpMs: number;
  /** Median spawn → first request of `gongkai crawl`, ms. */
  firstRequestMs: number;
  /** CPU time (user + system) of the same, ms: what start-up costs whatever else the machine is doing. */
  helpCpuMs: number;
  firstRequestCpuMs: number;
  /** One-minute load average when measured (the wall times above grow with it on a shared machine). */
  loadAverage: number;
  /** The same through the development runner (tsx) and through npx, for comparison. */
  devHelpMs: number;
  devFirstRequestMs: number;
  npxHelpMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

/** CPU time (user + system) a live process has used so far, ms, from /proc (Linux; NaN elsewhere). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** Wall time of `… --help`, and its CPU time when GNU time is there to see it. */
function timeHelp(cmd: string, args: string[], cwd: string): { wall: number; cpu: number } {
  const gnuTime = existsSync("/usr/bin/time");
  const argv = gnuTime ? ["-f", "%U %S", cmd, ...args, "--help"] : [...args, "--help"];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(gnuTime ? "/usr/bin/time" : cmd, argv, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const wall = ms(t0);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} --help: exit ${r.status}: ${r.stderr}`);
  const [user, sys] = gnuTime ? r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number) : [NaN, NaN];
  return { wall, cpu: (user + sys) * 1000 };
}

/** Spawn `… crawl` against a one-page loopback site and time spawn → first request received. */
async function timeFirstRequest(cmd: string, args: string[], cwd: string): Promise<{ wall: number; cpu: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gongkai-startup-"));
  let t0 = 0n;
  let first: number | undefined;
  let firstCpu = NaN;
  let pid: number | undefined;
  const server = createServer((req, res) => {
    if (first === undefined) {
      first = ms(t0);
      firstCpu = cpuMsOf(pid);
    }
    if (req.url === "/robots.txt") res.writeHead(404).end();
    else res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html><title>首页</title><p>你好</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const config = path.join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      site: { name: "启动测试", baseUrl: base },
      columns: [{ id: "home", name: "首页", url: base + "index.html", type: "page", maintainer: { department: "办公室", name: "张三", email: "z@example.invalid" } }],
    }),
  );
  try {
    t0 = process.hrtime.bigint();
    const child = spawn(cmd, [...args, "crawl", "--config", config, "--db", path.join(dir, "x.sqlite"), "--out", path.join(dir, "out"), "--quiet"], {
      cwd,
      stdio: "ignore",
    });
    pid = child.pid;
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (first === undefined) throw new Error(`${cmd} ${args.join(" ")} crawl made no request (exit ${code})`);
    return { wall: first, cpu: firstCpu };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureStartup(opts: { root: string; runs?: number; log?: (line: string) => void }): Promise<StartupFigures> {
  const { root } = opts;
  const runs = opts.runs ?? 7;
  const log = opts.log ?? (() => {});
  log("startup: npm run build (dist/)");
  const built = spawnSync(process.execPath, [path.join(root, "bin/build.mjs")], { cwd: root, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  const dist = [path.join(root, "dist/crawler/main.js")];
  const dev = [path.join(root, "bin/gongkai.mjs")];
  const node = process.execPath;
  const help: { wall: number; cpu: number }[] = [];
  const devHelp: number[] = [];
  const npxHelp: number[] = [];
  const firstRequest: { wall: number; cpu: number }[] = [];
  const devFirstRequest: number[] = [];
  const loadAverage = os.loadavg()[0];
  // Warm the file cache once so the first of the runs is not the disk's figure.
  timeHelp(node, dist, root);
  timeHelp(node, dev, root);
  for (let i = 0; i < runs; i++) {
    help.push(timeHelp(node, dist, root));
    devHelp.push(timeHelp(node, dev, root).wall);
    firstRequest.push(await timeFirstRequest(node, dist, root));
    devFirstRequest.push((await timeFirstRequest(node, dev, root)).wall);
  }
  for (let i = 0; i < Math.min(runs, 3); i++) npxHelp.push(timeHelp("npx", ["--no-install", "gongkai"], root).wall);
  const figures: StartupFigures = {
    runs,
    helpMs: median(help.map((x) => x.wall)),
    firstRequestMs: median(firstRequest.map((x) => x.wall)),
    helpCpuMs: median(help.map((x) => x.cpu)),
    firstRequestCpuMs: median(firstRequest.map((x) => x.cpu)),
    loadAverage,
    devHelpMs: median(devHelp),
    devFirstRequestMs: median(devFirstRequest),
    npxHelpMs: median(npxHelp),
  };
  log(`startup: ${JSON.stringify(figures)}`);
  return figures;
}

export function startupTable(f: StartupFigures): string {
  const met = (v: number, target: number) => (v <= target ? "达标 met" : "未达标 NOT met");
  const row = (what: string, v: number, target?: number) =>
    `| ${what} | ${(v / 1000).toFixed(3)} s | ${target === undefined ? "" : `≤ ${(target / 1000).toFixed(1)} s ${met(v, target)}`} |`;
  return [
    `启动 Start-up (median of ${f.runs} runs; load average ${f.loadAverage.toFixed(1)} on ${os.cpus().length} CPUs)`,
    "",
    "| 测量 measured | 用时 time | 目标 target |",
    "| --- | --- | --- |",
    row("`gongkai --help` (dist, as installed)", f.helpMs, STARTUP_TARGETS.helpMs),
    row("`gongkai crawl` → first request (dist)", f.firstRequestMs, STARTUP_TARGETS.firstRequestMs),
    row("  CPU time of `--help` (user + system)", f.helpCpuMs),
    row("  CPU time of `crawl` up to its first request", f.firstRequestCpuMs),
    row("`--help` via tsx (bin/gongkai.mjs, development)", f.devHelpMs),
    row("`crawl` → first request via tsx (development)", f.devFirstRequestMs),
    row("`npx gongkai --help`", f.npxHelpMs),
  ].join("\n");
}

// Run on its own: `node bin/run-ts.mjs bench/startup.ts [--runs N]`.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--runs");
  const runs = i > 0 ? Number(process.argv[i + 1]) : 7;
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write("--runs: 应为正整数 expected a positive integer\n");
    process.exit(2);
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const figures = await measureStartup({ root, runs, log: (l) => process.stderr.write(l + "\n") });
  process.stdout.write(startupTable(figures) + "\n");
}
