// The database cannot be written: a read-only file or folder, a full disk. Each gives a clear error naming the
// file, and nothing is half-written. The faults are real: file modes (checked as an unprivileged user, since root
// ignores them) and a file-size limit on a real process (writes beyond it fail as on a full disk).
import { afterEach, beforeEach, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../../crawler/store/index.js";
import type { FindingDraft } from "../../shared/schema.js";

const storeModule = path.resolve("crawler/store/index.ts");
const site = { name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:8080/" };
const isRoot = process.getuid?.() === 0;
let dir: string;
let file: string;

function draft(id: string, message = "链接指向的页面不存在（404），请更正或删除该链接。"): FindingDraft & { id: string } {
  return {
    id, kind: "broken-link", reason: "http-404", severity: "high", columnId: "tzgg",
    pageUrl: "http://127.0.0.1:8080/xxgk/tzgg/index.html", targetUrl: `http://127.0.0.1:8080/gone/${id}.html`,
    linkText: "关于公布2026年第一批抽查结果的公告", message, maintainer: { department: "办公室", name: "张三" }, evidence: { status: 404 },
  };
}

/** Run JS (with the store module importable) in a separate process; returns its stdout lines. */
function runChild(code: string, opts: { asUnprivileged?: boolean; fileSizeLimitKb?: number } = {}): { out: string; err: string; status: number | null } {
  const nodeArgs = ["--import", "tsx", "--input-type=module", "-e", `const { openStore } = await import(${JSON.stringify(storeModule)});\n${code}`];
  const r = opts.fileSizeLimitKb
    ? // SIGXFSZ ignored, so writes past the limit fail with an error instead of killing the process: as on a full disk.
      spawnSync("bash", ["-c", `ulimit -f ${opts.fileSizeLimitKb}; trap '' XFSZ; exec "$0" "$@"`, process.execPath, ...nodeArgs], { encoding: "utf8" })
    : spawnSync(process.execPath, nodeArgs, {
        encoding: "utf8",
        ...(opts.asUnprivileged && isRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: tmpdir() } } : {}),
      });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-faults-"));
  chmodSync(dir, 0o755);
  file = path.join(dir, "gongkai.sqlite");
  const store = await openStore(file);
  const run = await store.beginRun(site, "2026-03-02T02:00:00.000Z");
  await store.finishRun(run.id, { complete: true, finishedAt: "2026-03-02T02:10:00.000Z", stats: {}, findings: [draft("a"), draft("b")] });
  await store.close();
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

it("a read-only database file: a clear error naming it; reading still works", () => {
  chmodSync(file, 0o444);
  const r = runChild(`
    try { await openStore(${JSON.stringify(file)}); console.log("opened"); } catch (e) { console.log("ERR " + e.code + " " + e.message); }
    const ro = await openStore(${JSON.stringify(file)}, { readonly: true });
    console.log("READ " + (await ro.findings()).length);`, { asUnprivileged: true });
  expect(r.err).toBe("");
  expect(r.out).toContain(`ERR readonly 数据库文件或其目录只读，无法写入 database file or its folder is read-only: ${file}`);
  expect(r.out).toContain("READ 2");
});

it("a read-only folder (no room for the WAL files) is refused the same way", () => {
  chmodSync(dir, 0o555);
  const r = runChild(`try { await openStore(${JSON.stringify(file)}); console.log("opened"); } catch (e) { console.log("ERR " + e.code + " " + e.message); }`, {
    asUnprivileged: true,
  });
  expect(r.out).toContain(`ERR readonly`);
  expect(r.out).toContain(file);
});

it("a full disk in the middle of finishing a run: a clear error, the previous findings intact, the run aborted", async () => {
  const r = runChild(
    `const s = await openStore(${JSON.stringify(file)});
     const run = await s.beginRun(${JSON.stringify(site)}, "2026-03-03T02:00:00.000Z");
     const findings = Array.from({ length: 4000 }, (_, i) => (${draft.toString()})("n" + i, "很长的说明".repeat(200)));
     try {
       await s.finishRun(run.id, { complete: true, finishedAt: "2026-03-03T02:10:00.000Z", stats: {}, findings });
       console.log("finished");
     } catch (e) { console.log("ERR " + e.code + " " + e.message); }`,
    { fileSizeLimitKb: 400 },
  );
  expect(r.out).toMatch(/ERR (full|io) .*(disk full|磁盘已满).*nothing was written/);
  expect(r.out).toContain(file);
  expect(r.out).not.toContain("finished");

  const store = await openStore(file);
  try {
    // The complete run would have fixed a and b and added 4000 findings: none of it happened.
    expect((await store.findings()).map((f) => [f.id, f.state])).toEqual([["a", "open"], ["b", "open"]]);
    expect((await store.runs()).map((x) => x.status)).toEqual(["aborted", "complete"]);
    // And the next crawl runs normally.
    const run = await store.beginRun(site, "2026-03-04T02:00:00.000Z");
    await store.finishRun(run.id, { complete: true, finishedAt: "2026-03-04T02:10:00.000Z", stats: {}, findings: [draft("a")] });
    expect((await store.finding("b"))!.state).toBe("fixed");
  } finally {
    await store.close();
  }
});
