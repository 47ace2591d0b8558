// `gongkai schedule` for real: a tiny disclosure site on loopback, cron expressions firing every second, the real
// crawler and report. Checked: crawls and reports happen and are logged with timestamps; a tick while a crawl runs
// is skipped; a crawl held by another process is refused with its pid; SIGTERM stops cleanly, also mid-crawl.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquireCrawlLock, openStore } from "../../crawler/store/index.js";

const root = path.resolve(".");
let site: http.Server;
let base: string;
/** Milliseconds the item page takes to answer (a slow site keeps a crawl running across cron ticks). */
let itemDelayMs = 0;

const page = (title: string, body: string) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body>` +
  `<div class="location">当前位置：<a href="/">首页</a> &gt; 政府信息公开 &gt; 通知公告</div>${body}</body></html>`;

beforeAll(async () => {
  site = http.createServer((req, res) => {
    const send = (status: number, html: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(html);
    };
    switch (req.url) {
      case "/":
        return send(200, page("上海市嘉定区市场监督管理局", '<a href="/xxgk/tzgg/index.html">通知公告</a>'));
      case "/xxgk/tzgg/index.html":
        return send(200, page("通知公告", '<ul class="list"><li><a href="/xxgk/tzgg/202611/t20261120_1.html">关于开展秋季食品安全专项检查的通知</a><span>2026-11-20</span></li></ul>'));
      case "/xxgk/tzgg/202611/t20261120_1.html":
        setTimeout(() => send(200, page("关于开展秋季食品安全专项检查的通知", '<div class="TRS_Editor"><p>各有关单位：</p><a href="/xxgk/tzgg/files/jcb.pdf">附件：检查表.pdf</a></div>')), itemDelayMs);
        return;
      default:
        return send(404, page("404", "对不起，您访问的页面不存在"));
    }
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  site.closeAllConnections();
  await new Promise((r) => site.close(r));
});

function setup(schedule: { crawl: string; report: string }) {
  const dir = mkdtempSync(path.join(tmpdir(), "gongkai-schedule-"));
  const config = path.join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      site: { name: "上海市嘉定区市场监督管理局", baseUrl: `${base}/` },
      crawl: { requestTimeoutSecs: 10, retries: 0 },
      columns: [{ id: "tzgg", name: "通知公告", url: `${base}/xxgk/tzgg/index.html`, type: "notice", maintainer: { department: "办公室", name: "张三" } }],
      schedule: { ...schedule, timezone: "Asia/Shanghai" },
    }),
  );
  return { dir, config, db: path.join(dir, "gongkai.sqlite"), out: path.join(dir, "out") };
}

class Proc {
  out = "";
  exit: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (d) => (this.out += d));
    child.stderr!.on("data", (d) => (this.out += d));
    this.exit = new Promise((r) => child.on("exit", (code) => r(code)));
  }
  /** Wait until the log matches `re` `times` times. */
  async waitFor(re: RegExp, times = 1, timeoutMs = 60_000): Promise<void> {
    const g = new RegExp(re.source, "g");
    const t0 = Date.now();
    while ((this.out.match(g)?.length ?? 0) < times) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re} ×${times}; log:\n${this.out}`);
      if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode} before ${re}; log:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function schedule(args: string[], cwd: string): Proc {
  return new Proc(spawn(process.execPath, [path.join(root, "bin/gongkai.mjs"), "schedule", ...args], { cwd }));
}

describe("gongkai schedule", () => {
  it("crawls and reports on schedule, skips overlapping ticks, respects another process's crawl, stops on SIGTERM", async () => {
    const s = setup({ crawl: "* * * * * *", report: "*/2 * * * * *" });
    itemDelayMs = 1500; // each crawl spans more than one tick
    const p = schedule(["--config", s.config, "--db", s.db, "--out", s.out], s.dir);
    try {
      await p.waitFor(/已启动 started/);
      expect(p.out).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00\] 已启动 started \(pid \d+\)/);
      expect(p.out).toContain('抓取 crawl  "* * * * * *" · 下次 next');
      await p.waitFor(/抓取结束 crawl finished: 退出码 exit 0/, 2);
      await p.waitFor(/跳过 skipped crawl: 上一次抓取仍在进行 the previous crawl is still running/);
      // The period is the report cron's interval (here two seconds), so the open link counts, not as new.
      await p.waitFor(/报告已生成 report written: .*未修复 open 1 ·/);

      // Another process (this test) holds the crawl lock: the scheduler's crawls are refused, naming us.
      itemDelayMs = 0;
      await p.waitFor(/抓取结束 crawl finished/, (p.out.match(/抓取结束 crawl finished/g)?.length ?? 0) + 1);
      let lock: { release: () => Promise<void> } | undefined;
      for (let i = 0; i < 50 && !lock; i++) {
        try {
          lock = await acquireCrawlLock(s.db);
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // the scheduler's own crawl holds it right now
        }
      }
      expect(lock).toBeDefined();
      await p.waitFor(new RegExp(`跳过 skipped crawl: 另一个抓取正在进行 another crawl is running \\(pid ${process.pid} `));
      await lock!.release();
      const finished = p.out.match(/抓取结束 crawl finished/g)!.length;
      await p.waitFor(/抓取结束 crawl finished: 退出码 exit 0/, finished + 1);

      p.child.kill("SIGTERM");
      expect(await p.exit).toBe(0);
      expect(p.out).toMatch(/正在停止 stopping \(SIGTERM\)/);
      expect(p.out).toMatch(/已停止 stopped\n$/);
    } finally {
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }

    // What the database says: complete runs that never overlapped, none left running, the one broken link open.
    const store = await openStore(s.db);
    try {
      const runs = (await store.runs()).reverse();
      expect(runs.length).toBeGreaterThanOrEqual(3);
      expect(runs.filter((r) => r.status === "running")).toEqual([]);
      for (let i = 1; i < runs.length; i++) expect(Date.parse(runs[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].finishedAt!));
      const open = await store.findings({ states: ["open"] });
      expect(open.map((f) => [f.kind, f.targetUrl, f.linkText])).toEqual([["broken-link", `${base}/xxgk/tzgg/files/jcb.pdf`, "附件：检查表.pdf"]]);
    } finally {
      await store.close();
    }
    // Reports go to out/reports/<local date>/.
    const reportDir = path.join(s.out, "reports");
    const days = readdirSync(reportDir);
    expect(days.length).toBeGreaterThan(0);
    for (const day of days) {
      expect(day).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(readFileSync(path.join(reportDir, day, "report.html"), "utf8")).toContain("附件：检查表.pdf");
    }
    rmSync(s.dir, { recursive: true, force: true });
  });

  it("SIGTERM in the middle of a crawl: the crawl stops, is not counted complete, and the lock is free", async () => {
    const s = setup({ crawl: "0 2 * * *", report: "0 8 * * 1" });
    itemDelayMs = 8000;
    const p = schedule(["--config", s.config, "--db", s.db, "--out", s.out, "--run-now", "crawl"], s.dir);
    try {
      await p.waitFor(/抓取开始 crawl started/);
      await p.waitFor(/\[进度 progress\]|\[开始 start\]/);
      await new Promise((r) => setTimeout(r, 500));
      p.child.kill("SIGTERM");
      expect(await p.exit).toBe(0);
      expect(p.out).toMatch(/正在停止 stopping \(SIGTERM\) · 等待 waiting for crawl/);
      expect(p.out).toContain("已停止 stopped");
    } finally {
      itemDelayMs = 0;
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }
    const store = await openStore(s.db);
    try {
      const [run] = await store.runs(1);
      expect(["incomplete", "aborted"]).toContain(run.status);
      expect(await store.findings({ states: ["fixed"] })).toEqual([]);
    } finally {
      await store.close();
    }
    const lock = await acquireCrawlLock(s.db);
    await lock.release();
    rmSync(s.dir, { recursive: true, force: true });
  });

  it("a bad schedule in the config: exit 2 naming the field, nothing started", async () => {
    const s = setup({ crawl: "61 2 * * *", report: "0 8 * * 1" });
    const p = schedule(["--config", s.config, "--db", s.db], s.dir);
    expect(await p.exit).toBe(2);
    expect(p.out).toMatch(/schedule\.crawl: .*invalid cron expression "61 2 \* \* \*"/);
    expect(existsSync(s.db)).toBe(false);
    const noConfig = schedule([], s.dir);
    expect(await noConfig.exit).toBe(2);
    expect(noConfig.out).toContain("--config FILE is required");
    rmSync(s.dir, { recursive: true, force: true });
  });
});
