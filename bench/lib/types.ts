// The shape of bench/results/latest.json.
import type { ToolRun } from "./tools.js";
import type { HostCounts } from "./stats.js";

export type RunKind = "cold" | "recrawl" | "night" | "changed" | "linkinator" | "linkinator-uncapped" | "profile" | "size";

export interface RunResult {
  label: string;
  tool: "gongkai" | "linkinator";
  kind: RunKind;
  latencyMs: number;
  concurrency: number;
  /** The size the site was generated at (pages asked for) and the pages it says it serves. */
  sitePages: number;
  wallSecs: number;
  cpuSecs: number;
  userSecs: number;
  systemSecs: number;
  maxRssBytes: number;
  /** Requests the site received during the run, all hosts. */
  requests: number;
  uniqueUrls: number;
  requestsPerUniqueUrl?: number;
  /** Politeness bound: busiest host's unique URLs × latency ÷ concurrency. */
  boundSecs: number;
  efficiency?: number;
  /** The bound plus the waits the site demanded (one timeout per never-answering URL, Retry-After pauses). */
  waitsBoundSecs?: number;
  /** waitsBoundSecs ÷ wall. */
  efficiencyWithWaits?: number;
  /** The bound from the site's own request times (slow and hanging URLs included): busiest host's slot time ÷ concurrency. */
  slotBoundSecs: number;
  slotEfficiency?: number;
  bytesOut: number;
  /** HTML pages the site served whole during the run, and the links on them. */
  htmlPagesServed: number;
  linksOnPagesServed: number;
  get: number;
  head: number;
  conditional: number;
  notModified: number;
  /** Most requests in flight at once to one host. */
  maxInFlightPerHost: number;
  /** Time (ms) from an answer to the next request on the same connection, busiest host: the checker's turnaround. */
  turnaroundMedianMs?: number;
  turnaroundP90Ms?: number;
  hosts: Record<string, HostCounts>;
  /** CPU the site process spent serving this run (to show the site was not the bottleneck). */
  siteCpuSecs: number;
  reported: Omit<ToolRun["reported"], "brokenTargets">;
  /** Planted broken links (site manifest) the run reported, of those planted. */
  plantedBrokenFound?: { found: number; of: number; missed: string[] };
  measuredVia: string;
}

export interface OverlayResult {
  via: "extension" | "bundled-lib";
  links: number;
  findings: number;
  /** The load event → every finding's link marked (ms, median of the repeats). */
  loadToCompleteMs: number;
  /** Time spent in marking itself for the initial page (ms, median). */
  initialMarkMs?: number;
  /** The load event → the marking pass starts: the browser starting the content script, the background, the server (ms, median). */
  waitMs?: number;
  /** 100 links appended later → all of them marked (ms, median). */
  added100Ms: number;
  repeats: number;
  samples: { loadToCompleteMs: number[]; added100Ms: number[]; initialMarkMs?: number[]; waitMs?: number[]; dclToCompleteMs?: number[] };
  notes: string[];
}

export interface TargetStatus {
  id: string;
  target: string;
  value: string;
  met: boolean | undefined;
  note?: string;
  /** A figure shown beside a target for reference: it is no target and never meets one. */
  reference?: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; totalMemBytes: number; node: string; platform: string; measuredVia: string };
  /** The crawler measured: its checkout (relative to this one) and commit. */
  gongkai?: { root: string; commit?: string; dirty?: boolean };
  options: { pages: number; smallPages: number; latencyMs: number; concurrency: number; repeat: number; linkinator: boolean; overlay: boolean; profile: boolean; withoutHang?: boolean };
  site: {
    pageCount: number;
    smallPageCount?: number;
    startMs: number;
    trapPrefix: string;
    robotsDisallowed: string[];
    plantedBroken: number;
    /** From the first cold gongkai run: HTML pages served and links on them. */
    htmlPages?: number;
    links?: number;
  };
  scope: string[];
  runs: RunResult[];
  recrawl?: {
    timeShare?: number;
    requestShare?: number;
    /** The next night's crawl (recheckAfterHours over: everything asked again, conditionally). */
    nextNight?: { timeShare?: number; requestShare?: number; bytesShare?: number; cpuShare?: number };
    changed?: { timeShare?: number; requestShare?: number; expected: string[]; found: string[]; missed: string[] } };
  rssGrowth?: { smallPages: number; smallRssBytes: number; pages: number; rssBytes: number; exponent?: number };
  overlay?: OverlayResult | { error: string };
  profile?:
    | {
        wallSecs?: number;
        cpuSecs?: number;
        threads: { thread: string; file: string; busyMs: number; totalMs: number; top: { name: string; selfMs: number; share: number }[]; modules: { module: string; selfMs: number; share: number }[] }[];
      }
    | { error: string };
  targets: TargetStatus[];
  errors: string[];
}
