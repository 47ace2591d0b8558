// gongkai killed mid-crawl (SIGKILL, a real process), two crawls on one database at once, a disk that fills up
// (a real tmpfs of a few hundred KB when we may mount one, else a real file-size limit on the process), a database
// that cannot be written (immutable file/folder via chattr, or a real unprivileged user). Each time: a clear
// message, an intact database, an intact findings.json, and the next crawl runs normally.
import { afterEach, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli, startCli, tempDir, waitFor, type CliOptions } from "./helpers/cli.js";
import { article, configFor, listPage, readDb, readFindings } from "./helpers/config.js";
import { html, startFaultSite, type FaultSite, type Handler } from "./helpers/fault-site.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const COLUMN = "/xxgk/zcwj/index.html";
const isRoot = process.getuid?.() === 0;

/** Answer after `ms` (a site that is slow enough for a crawl to be caught in the middle). */
function slow(ms: number, h: Handler): Handler {
  return (req, res, n) => {
    const t = setTimeout(() => h(req, res, n), ms);
    res.on("close", () => clearTimeout(t));
  };
}

/** A policy column of `n` items; item 0 holds a broken link; each answer takes `delayMs`. */
async function slowSite(n: number, delayMs: number, bodyText = "<p>正文。</p>"): Promise<FaultSite> {
  const s = await startFaultSite();
  cleanups.push(() => s.close());
  const items: [string, string][] = [];
  for (let i = 0; i < n; i++) items.push([`/xxgk/zcwj/t${i}.html`, `关于第${i}号事项的通知`]);
  s.route(COLUMN, html(listPage("政策文件", items)));
  items.forEach(([p, text], i) => {
    const body = i === 0 ? `<a href="/gone.html">已失效的链接</a>${bodyText}` : bodyText;
    s.route(p, slow(delayMs, html(article(text, body))));
  });
  return s;
}

function workspace() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t;
}

function crawlArgs(cfg: string, db: string, out: string) {
  return ["crawl", "--config", cfg, "--db", db, "--out", out, "--quiet"];
}

const tmpLeftovers = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".tmp")) : []);

describe("killed in the middle of a crawl", () => {
  it("SIGKILL: the database stays readable and whole, the previous findings intact, and the next crawl runs normally", async () => {
    const s = await slowSite(40, 120);
    const t = workspace();
    const cfg = t.writeJson("config.json", { ...configFor(s.baseUrl, [{ id: "zcwj", url: s.baseUrl + COLUMN.slice(1) }]), crawl: { ...configFor("", []).crawl, concurrency: 2 } });
    const db = t.file("gongkai.sqlite");
    const first = await runCli(crawlArgs(cfg, db, t.file("out")));
    expect(first.code, first.stderr).toBe(0);
    const before = readDb(db);
    expect(before.findings.map((f) => [f.target_url, f.state])).toContainEqual([s.baseUrl + "gone.html", "open"]);
    const findingsJsonBefore = readFileSync(t.file("out/findings.json"), "utf8");

    const seen = s.requests.length;
    const victim = startCli(crawlArgs(cfg, db, t.file("out")));
    // Wait until it is really crawling (the server has answered some of its requests), then kill it outright.
    await waitFor(() => s.requests.length >= seen + 10, 60_000, "the second crawl to get going");
    victim.child.kill("SIGKILL");
    const killed = await victim.done;
    expect(killed.signal).toBe("SIGKILL");

    // Readable by plain SQLite, whole, and holding exactly what the previous crawl left.
    const after = readDb(db);
    expect(after.integrity).toBe("ok");
    expect(after.findings).toEqual(before.findings);
    expect(after.runs.map((r) => r.status)).toEqual(["complete", "running"]);
    // findings.json is the previous one, whole (a killed crawl never writes half a file).
    expect(readFileSync(t.file("out/findings.json"), "utf8")).toBe(findingsJsonBefore);
    expect(tmpLeftovers(t.file("out"))).toEqual([]);
    // gongkai itself reads it too: the weekly report still comes out, with the open finding.
    const report = await runCli(["report", "--db", db, "--format", "md", "--out", t.file("report")]);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(t.file("report/report.md"), "utf8")).toContain("已失效的链接");

    // The next crawl is not blocked by the dead one's lock, and records what happened to it.
    const next = await runCli(crawlArgs(cfg, db, t.file("out")));
    expect(next.code, next.stderr).toBe(0);
    const final = readDb(db);
    expect(final.integrity).toBe("ok");
    expect(final.runs.map((r) => r.status)).toEqual(["complete", "aborted", "complete"]);
    expect(final.findings.find((f) => f.target_url === s.baseUrl + "gone.html")?.state).toBe("open");
    expect(readFindings(t.file("out/findings.json")).run.complete).toBe(true);
  });
});

describe("two crawls at once on one database", () => {
  it("the second refuses with a clear message and a non-zero exit; the first completes", async () => {
    const s = await slowSite(30, 100);
    const t = workspace();
    const cfg = t.writeJson("config.json", { ...configFor(s.baseUrl, [{ id: "zcwj", url: s.baseUrl + COLUMN.slice(1) }]), crawl: { ...configFor("", []).crawl, concurrency: 2 } });
    const db = t.file("gongkai.sqlite");
    const first = startCli(crawlArgs(cfg, db, t.file("out-1")));
    await waitFor(() => s.requests.length >= 5, 60_000, "the first crawl to get going");
    const second = await runCli(crawlArgs(cfg, db, t.file("out-2")));
    expect(second.code, second.stderr).not.toBe(0);
    expect(second.code).not.toBeNull();
    expect(second.stderr).toContain("另一个抓取正在进行");
    expect(second.stderr).toContain("another crawl is running");
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr).toContain(db);
    expect(existsSync(t.file("out-2/findings.json"))).toBe(false);

    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    const view = readDb(db);
    expect(view.integrity).toBe("ok");
    expect(view.runs.map((x) => x.status)).toEqual(["complete"]);
    expect(readFindings(t.file("out-1/findings.json")).findings.some((f) => f.targetUrl === s.baseUrl + "gone.html")).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A full disk.

/** Mount a real tmpfs of `bytes` at a fresh folder (root only); null when mounting is not possible here. */
function mountTmpfs(bytes: number): string | null {
  // GONGKAI_FAULTS_FULL_VIA=ulimit forces the fallback, to try it on a machine where mounting works.
  if (!isRoot || process.env.GONGKAI_FAULTS_FULL_VIA === "ulimit") return null;
  const dir = path.join(tmpdir(), `gongkai-fullfs-${process.pid}-${Date.now()}`);
  mkdirSync(dir);
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]);
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  cleanups.push(() => {
    spawnSync("umount", ["-l", dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe("the disk fills up", () => {
  it("a clear error naming the database, nothing half-written, and the next crawl runs once there is room", async () => {
    // Long pages: the page cache and findings of this crawl need far more room than is left.
    const s = await slowSite(25, 0, `<p>${"本区市场监督管理工作稳步推进，各项指标完成良好。".repeat(300)}</p>`);
    const t = workspace();
    const cfg = t.writeJson("config.json", configFor(s.baseUrl, [{ id: "zcwj", url: s.baseUrl + COLUMN.slice(1) }]));
    const disk = mountTmpfs(8 * 2 ** 20);
    const home = disk ?? t.file("small-disk");
    mkdirSync(home, { recursive: true });
    const db = path.join(home, "gongkai.sqlite");
    const out = path.join(home, "out");

    // A first crawl while there is room (only a little site: one item).
    s.route("/xxgk/zcwj/index.html", html(listPage("政策文件", [["/xxgk/zcwj/t0.html", "关于第0号事项的通知"]])));
    const first = await runCli(crawlArgs(cfg, db, out));
    expect(first.code, first.stderr).toBe(0);
    const before = readDb(db);
    const findingsJsonBefore = readFileSync(path.join(out, "findings.json"), "utf8");

    // Now the whole column, on a disk with ~96 KB left.
    const items: [string, string][] = Array.from({ length: 25 }, (_, i) => [`/xxgk/zcwj/t${i}.html`, `关于第${i}号事项的通知`]);
    s.route("/xxgk/zcwj/index.html", html(listPage("政策文件", items)));
    let fileLimitKb: number | undefined;
    let filler: string | undefined;
    if (disk) {
      filler = path.join(disk, "filler.bin");
      const free = Number(statfsSync(disk).bavail) * Number(statfsSync(disk).bsize);
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - 96 * 1024)));
    } else {
      // No tmpfs here: the same fault through a real limit on the process's file sizes (writes beyond it fail).
      fileLimitKb = Math.ceil(readFileSync(db).length / 1024) + 96;
    }
    const second = await runCli(crawlArgs(cfg, db, out), { fileSizeLimitKb: fileLimitKb });
    console.log(`disk full via ${disk ? "tmpfs" : "ulimit -f"}: exit ${second.code}; ${second.stderr.trim().split("\n").at(-1)}`);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toMatch(/磁盘已满|disk full/);
    expect(second.stderr).toContain(db);
    // Nothing half-written: the database is whole and as it was; findings.json is the previous one.
    const after = readDb(db);
    expect(after.integrity).toBe("ok");
    expect(after.findings).toEqual(before.findings);
    expect(after.runs.filter((r) => r.status === "complete")).toHaveLength(1);
    expect(readFileSync(path.join(out, "findings.json"), "utf8")).toBe(findingsJsonBefore);
    expect(tmpLeftovers(out)).toEqual([]);

    // Room again: the next crawl runs normally.
    if (filler) rmSync(filler);
    const third = await runCli(crawlArgs(cfg, db, out));
    expect(third.code, third.stderr).toBe(0);
    expect(readDb(db).runs.at(-1)?.status).toBe("complete");
    expect(readFindings(path.join(out, "findings.json")).run.pagesCrawled).toBeGreaterThanOrEqual(26);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A database that cannot be written.

/** How this machine can make a file unwritable for the crawl: `chattr +i` (works even for root), or a real unprivileged user. */
function readOnlyMechanism(): "chattr" | "user" | "mode" {
  if (!isRoot) return "mode";
  // GONGKAI_FAULTS_READONLY_VIA=user forces the fallback, to try it on a machine where chattr works.
  if (process.env.GONGKAI_FAULTS_READONLY_VIA === "user") return "user";
  const probe = path.join(tmpdir(), `gongkai-chattr-probe-${process.pid}`);
  writeFileSync(probe, "x");
  try {
    execFileSync("chattr", ["+i", probe], { stdio: "ignore" });
    execFileSync("chattr", ["-i", probe], { stdio: "ignore" });
    return "chattr";
  } catch {
    return "user";
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * Make `target` (a file or folder) unwritable the way this machine allows. Returns the crawl's spawn options and
 * `undo` (also run at cleanup).
 */
function makeReadOnly(target: string, kind: "file" | "folder", mechanism: ReturnType<typeof readOnlyMechanism>, testDir: string): { opts: CliOptions; undo: () => void } {
  if (mechanism === "chattr") {
    execFileSync("chattr", ["+i", target]);
    const undo = () => void spawnSync("chattr", ["-i", target]);
    cleanups.push(undo);
    return { opts: {}, undo };
  }
  chmodSync(target, kind === "folder" ? 0o555 : 0o444);
  const undo = () => chmodSync(target, kind === "folder" ? 0o755 : 0o644);
  cleanups.push(undo);
  // Root ignores modes: then the crawl runs as nobody, who can read the project and the test folder but not write there.
  if (mechanism === "user") {
    chmodSync(testDir, 0o755);
    return { opts: { uid: 65534, gid: 65534, env: { HOME: tmpdir() } }, undo };
  }
  return { opts: {}, undo };
}

describe("the database cannot be written", () => {
  for (const what of ["file", "folder"] as const) {
    it(`a read-only database ${what}: a clear error naming the file, exit 1, the findings and findings.json untouched`, async () => {
      const s = await slowSite(3, 0);
      const t = workspace();
      chmodSync(t.dir, 0o755);
      const cfg = t.writeJson("config.json", configFor(s.baseUrl, [{ id: "zcwj", url: s.baseUrl + COLUMN.slice(1) }]));
      const dbDir = t.file("db");
      mkdirSync(dbDir);
      const db = path.join(dbDir, "gongkai.sqlite");
      const out = t.file("out");
      const first = await runCli(crawlArgs(cfg, db, out));
      expect(first.code, first.stderr).toBe(0);
      const before = readDb(db);
      const jsonBefore = readFileSync(path.join(out, "findings.json"), "utf8");
      chmodSync(out, 0o777); // the out folder stays writable: only the database is protected

      const mechanism = readOnlyMechanism();
      const { opts, undo } = makeReadOnly(what === "file" ? db : dbDir, what, mechanism, t.dir);
      const requestsBefore = s.requests.length;
      const r = await runCli(crawlArgs(cfg, db, out), opts);
      undo();
      console.log(`read-only ${what} via ${mechanism}: exit ${r.code}; ${r.stderr.trim().split("\n").at(-1)}`);
      expect(r.code, `${mechanism}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/只读/);
      expect(r.stderr).toMatch(/read-only/);
      expect(r.stderr).toContain(db);
      // It found out before crawling, not after an hour of work.
      expect(s.requests.length).toBe(requestsBefore);
      expect(readFileSync(path.join(out, "findings.json"), "utf8")).toBe(jsonBefore);
      expect(tmpLeftovers(out)).toEqual([]);
      expect(readDb(db)).toEqual(before);
    });
  }
});
