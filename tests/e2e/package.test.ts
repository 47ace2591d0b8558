// The package as an office would get it: `npm pack`, `npm install -g --prefix TMP ./gongkai-*.tgz` into an empty
// prefix (nothing from this checkout on the path, no tsx, no TypeScript sources), then the installed `gongkai`:
// `--help`, and a crawl of the demo site that must report the planted broken links.
//
// Dependencies come from npm's cache when it has them (`--prefer-offline`). better-sqlite3's install step normally
// downloads a prebuilt binary from GitHub, which this machine cannot reach, and would otherwise compile SQLite from
// source (minutes on two cores). The test serves that download on loopback, as an office's binary mirror would
// (`npm_config_better_sqlite3_binary_host`), from the binary this checkout already built; any other version falls
// back to compiling, which is slower but still correct.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "gongkai-package-"));
const prefix = path.join(tmp, "prefix");
const installed = path.join(prefix, "lib/node_modules/gongkai");
const gongkai = path.join(prefix, "bin/gongkai");
let mirror: Server;
let site: DemoSite;
let installSeconds = 0;

/** A tar.gz shaped like better-sqlite3's GitHub release asset (build/Release/better_sqlite3.node), from this checkout. */
function prebuiltTarball(): { version: string; file: string } {
  const pkgDir = path.dirname(createRequire(path.join(ROOT, "package.json")).resolve("better-sqlite3/package.json"));
  const version = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version as string;
  const file = path.join(tmp, "better-sqlite3-prebuilt.tar.gz");
  execFileSync("tar", ["czf", file, "-C", pkgDir, "build/Release/better_sqlite3.node"]);
  return { version, file };
}

/**
 * The installed gongkai, run as a user would: from an empty folder, with only Node's own folder on the PATH.
 * Asynchronously: the demo site answers from this process, so it must not be blocked while the crawl runs.
 */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(gongkai, args, {
    cwd: tmp,
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: process.env.HOME ?? tmp, LANG: "C.UTF-8" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

beforeAll(async () => {
  const prebuilt = prebuiltTarball();
  const asset = `/v${prebuilt.version}/better-sqlite3-v${prebuilt.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  mirror = createServer((req, res) => {
    if (req.url === asset) res.writeHead(200, { "content-type": "application/gzip" }).end(readFileSync(prebuilt.file));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, "127.0.0.1", resolve));
  const mirrorUrl = `http://127.0.0.1:${(mirror.address() as { port: number }).port}`;

  const packed = spawnSync("npm", ["pack", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8" });
  expect(packed.status, packed.stderr).toBe(0);
  const tarball = readdirSync(tmp).find((f) => /^gongkai-.*\.tgz$/.test(f));
  expect(tarball, "npm pack wrote no gongkai-*.tgz").toBeTruthy();

  const started = Date.now();
  const install = spawnSync(
    "npm",
    ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", "--allow-scripts=better-sqlite3", path.join(tmp, tarball!)],
    { cwd: tmp, encoding: "utf8", env: { ...process.env, npm_config_better_sqlite3_binary_host: mirrorUrl } },
  );
  installSeconds = (Date.now() - started) / 1000;
  expect(install.status, install.stderr).toBe(0);
  console.log(`npm install -g of the tarball: ${installSeconds.toFixed(1)} s`);
  // The one warning npm 11 prints about install scripts names what to allow; with it allowed there is none.
  expect(install.stderr).not.toMatch(/install-scripts/);

  site = await startDemoSite();
}, 600_000);

afterAll(async () => {
  await site?.close();
  await new Promise((resolve) => (mirror ? mirror.close(resolve) : resolve(undefined)));
  rmSync(tmp, { recursive: true, force: true });
});

describe("the packed tarball, installed into an empty prefix", () => {
  it("holds compiled JavaScript and the docs, and needs neither tsx nor TypeScript sources", () => {
    expect(existsSync(path.join(installed, "dist/crawler/main.js"))).toBe(true);
    expect(existsSync(path.join(installed, "dist/crawler/crawl/parse-worker-boot.mjs"))).toBe(true);
    expect(existsSync(path.join(installed, "docs/configuration.md"))).toBe(true);
    expect(existsSync(path.join(installed, "node_modules/tsx")), "tsx is installed with the package").toBe(false);
    const sources = spawnSync("find", [installed, "-path", "*/node_modules", "-prune", "-o", "-name", "*.ts", "-print"], { encoding: "utf8" });
    expect(sources.stdout.trim()).toBe("");
  });

  it("`gongkai --help` prints the usage in Chinese first and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^gongkai（公开）/);
    expect(r.stdout).toContain("用法 Usage: gongkai <command>");
    for (const command of ["crawl", "report", "serve", "schedule"]) expect(r.stdout).toContain(`  ${command}`);
  });

  it("a bad config: the installed binary names the field, Chinese first, and exits 2", async () => {
    const file = path.join(tmp, "bad.json");
    writeFileSync(file, JSON.stringify({ ...site.config, columns: [{ ...site.config.columns[0], maintainer: { department: "办公室" } }] }));
    const r = await run(["crawl", "--config", file]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^columns\[0\]\.maintainer\.name: 缺少必填项/m);
  });

  it("crawls the demo site and reports every planted broken link", async () => {
    const config = path.join(tmp, "config.json");
    site.writeConfig(config);
    const out = path.join(tmp, "out");
    const r = await run(["crawl", "--config", config, "--db", path.join(tmp, "gongkai.sqlite"), "--out", out, "--quiet"]);
    expect(r.status, r.stderr).toBe(0);
    const file = JSON.parse(readFileSync(path.join(out, "findings.json"), "utf8")) as {
      findings: { kind: string; reason: string; pageUrl: string; targetUrl?: string }[];
    };
    const brokenLinks = site.manifest.planted.filter((p) => p.kind === "broken-link" && p.targetUrl);
    expect(brokenLinks.length).toBeGreaterThanOrEqual(1);
    for (const p of brokenLinks) {
      const hit = file.findings.some((f) => f.kind === p.kind && f.reason === p.reason && f.pageUrl === p.pageUrl && f.targetUrl === p.targetUrl);
      expect(hit, `${p.reason} ${p.pageUrl} → ${p.targetUrl}`).toBe(true);
    }
  });
});
