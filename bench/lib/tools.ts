// The two link checkers the bench runs, each as a measured child process: gongkai (`node bin/gongkai.mjs crawl`)
// and linkinator (its own CLI, pinned dev dependency), pointed at the same start page with the same scope.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { ConfigInput } from "../../shared/schema.js";
import { runNodeMeasured, tail, type Measured } from "./measure.js";

export interface ToolRun extends Measured {
  /** What the tool says it did. */
  reported: {
    pagesCrawled?: number;
    linksChecked?: number;
    requests?: number;
    findings?: number;
    brokenLinkFindings?: number;
    /** Broken targets the tool names (absolute URLs, no fragment). */
    brokenTargets: string[];
  };
  cpuProfile?: string;
}

/**
 * The bench's gongkai config: the whole site as one `other` column starting at the root, so gongkai walks and
 * checks the same pages linkinator does when pointed at the root with --recurse.
 */
/** Both checkers give up on a request after this long (gongkai's default, set for linkinator). */
export const REQUEST_TIMEOUT_MS = 15_000;

export function wholeSiteConfig(opts: { siteName: string; root: string; concurrency: number; maxPages: number; recheckAfterHours?: number }): ConfigInput {
  return {
    site: { name: opts.siteName, baseUrl: opts.root },
    crawl: {
      concurrency: opts.concurrency,
      maxPagesPerColumn: opts.maxPages,
      requestTimeoutSecs: REQUEST_TIMEOUT_MS / 1000,
      respectRobotsTxt: true,
      checkExternalLinks: true,
      ...(opts.recheckAfterHours !== undefined ? { recheckAfterHours: opts.recheckAfterHours } : {}),
    },
    columns: [
      {
        id: "site",
        name: "全站",
        url: opts.root,
        type: "other",
        maintainer: { department: "办公室", name: "基准测试" },
      },
    ],
  };
}

export async function runGongkai(opts: {
  root: string;
  workDir: string;
  label: string;
  configFile: string;
  dbFile: string;
  outDir: string;
  cpuProfDir?: string;
  timeoutMs?: number;
}): Promise<ToolRun> {
  mkdirSync(opts.outDir, { recursive: true });
  const nodeArgs = [
    ...(opts.cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", opts.cpuProfDir] : []),
    path.join(opts.root, "bin/gongkai.mjs"),
    "crawl",
    "--config",
    opts.configFile,
    "--db",
    opts.dbFile,
    "--out",
    opts.outDir,
  ];
  const m = await runNodeMeasured(nodeArgs, {
    cwd: opts.root,
    stdoutFile: path.join(opts.workDir, `${opts.label}.stdout.log`),
    stderrFile: path.join(opts.workDir, `${opts.label}.stderr.log`),
    timeoutMs: opts.timeoutMs,
  });
  const findingsFile = path.join(opts.outDir, "findings.json");
  const reported: ToolRun["reported"] = { brokenTargets: [] };
  if (m.exitCode === 0 && existsSync(findingsFile)) {
    const f = JSON.parse(readFileSync(findingsFile, "utf8")) as {
      run: { pagesCrawled: number; linksChecked: number; requests: number };
      findings: { kind: string; targetUrl?: string }[];
    };
    reported.pagesCrawled = f.run.pagesCrawled;
    reported.linksChecked = f.run.linksChecked;
    reported.requests = f.run.requests;
    reported.findings = f.findings.length;
    const broken = f.findings.filter((x) => x.kind === "broken-link" || x.kind === "wrong-link");
    reported.brokenLinkFindings = broken.length;
    reported.brokenTargets = [...new Set(broken.map((x) => x.targetUrl).filter((u): u is string => !!u))];
  } else if (m.exitCode !== 0) {
    throw new Error(`gongkai ${opts.label} failed (exit ${m.exitCode}, signal ${m.signal}):\n${tail(m.stderrFile)}\n${tail(m.stdoutFile)}`);
  }
  return { ...m, reported };
}

/** Escape a URL prefix for linkinator's --skip (a regular expression). */
export function skipPattern(prefix: string): string {
  return "^" + prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Broken links as linkinator's text output names them (`[404] URL`, grouped under parents, or `[#] URL#frag`).
 * Returns the targets without fragments, deduplicated.
 */
export function parseLinkinatorBroken(text: string): { broken: string[]; scanned?: number; reportedBroken?: number } {
  const broken = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /^\s*\[(\d+|#|undefined)\]\s+(\S+)/.exec(line.replace(/\x1b\[[0-9;]*m/g, ""));
    if (m) broken.add(m[2].replace(/#.*$/, ""));
  }
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  const detected = /Detected (\d+) broken links\. Scanned (\d+) links/.exec(plain);
  const ok = /Successfully scanned (\d+) links/.exec(plain);
  return {
    broken: [...broken],
    scanned: detected ? Number(detected[2]) : ok ? Number(ok[1]) : undefined,
    reportedBroken: detected ? Number(detected[1]) : ok ? 0 : undefined,
  };
}

export async function runLinkinator(opts: {
  root: string;
  workDir: string;
  label: string;
  startUrl: string;
  concurrency: number;
  /** Cap connections per host at the same number (see linkinator-per-host.mjs); false = linkinator as it comes. */
  perHostCap: boolean;
  skip: string[];
  timeoutMs?: number;
}): Promise<ToolRun> {
  const require = createRequire(path.join(opts.root, "package.json"));
  // The package exports only its API; its CLI sits next to the API's entry (build/src/cli.js, its "bin").
  const cli = path.join(path.dirname(require.resolve("linkinator")), "cli.js");
  const preload = pathToFileURL(path.join(opts.root, "bench/lib/linkinator-per-host.mjs")).href;
  const nodeArgs = [
    "--import",
    preload,
    cli,
    opts.startUrl,
    "--recurse",
    "--concurrency",
    String(opts.concurrency),
    // What gongkai does too: retry 429 (Retry-After) and transient errors, check #fragments, time out at 15 s.
    "--retry",
    "--retry-errors",
    "--retry-errors-count",
    "3",
    "--check-fragments",
    "--timeout",
    String(REQUEST_TIMEOUT_MS),
    "--verbosity",
    "error",
    ...opts.skip.flatMap((s) => ["--skip", s]),
  ];
  const m = await runNodeMeasured(nodeArgs, {
    cwd: opts.root,
    env: opts.perHostCap ? { BENCH_PER_HOST: String(opts.concurrency) } : {},
    stdoutFile: path.join(opts.workDir, `${opts.label}.stdout.log`),
    stderrFile: path.join(opts.workDir, `${opts.label}.stderr.log`),
    timeoutMs: opts.timeoutMs,
  });
  const text = readFileSync(m.stderrFile, "utf8") + "\n" + readFileSync(m.stdoutFile, "utf8");
  const parsed = parseLinkinatorBroken(text);
  // linkinator exits 1 when it found broken links: that is a finished run.
  if (m.exitCode !== 0 && m.exitCode !== 1) throw new Error(`linkinator ${opts.label} failed (exit ${m.exitCode}, signal ${m.signal}):\n${tail(m.stderrFile)}`);
  if (parsed.scanned === undefined) throw new Error(`linkinator ${opts.label}: no summary line in its output:\n${tail(m.stderrFile)}`);
  return { ...m, reported: { linksChecked: parsed.scanned, findings: parsed.reportedBroken, brokenLinkFindings: parsed.reportedBroken, brokenTargets: parsed.broken } };
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
}
