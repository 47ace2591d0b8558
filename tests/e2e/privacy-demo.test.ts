// Personal data published by mistake (issue #15), end to end on the demo site: the real CLI crawls it, every planted
// leak (in a page, a PDF, a DOCX, an old DOC, an XLSX and an old XLS) is found with masked evidence and no neighbour is; the
// defunct-agency guide is found and the history sentence is not. Then every output of the crawl is searched for
// each planted full number — the SQLite file's bytes, findings.json, every report format (the XLSX unzipped), the
// mails a real SMTP server receives, the server's API answers, the crawl's stdout and stderr — and none may hold
// one. A second crawl, every link asked again, downloads no attachment body: each is asked conditionally (304).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import JSZip from "jszip";
import { FindingsFileSchema, type Finding } from "../../shared/schema.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import { allPlantedNumbers } from "../fixtures/demo-site/plants-privacy.js";
import { openStore } from "../../crawler/store/index.js";
import { startServer } from "../../crawler/serve/server.js";

const root = path.resolve(".");
const OFFICE_TOKEN = { token: "privacy-office-token-0123456789", name: "王主任", department: "办公室", role: "office" as const };

function gongkai(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "bin/gongkai.mjs"), ...args], { cwd, env: { ...process.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function get(url: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

let dir: string;
let site: DemoSite;
let smtp: SMTPServer;
let mails: string[] = [];
let crawl1: Awaited<ReturnType<typeof gongkai>>;
let findings: Finding[];
const db = () => path.join(dir, "gongkai.sqlite");

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-privacy-"));
  smtp = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push(Buffer.concat(chunks).toString("latin1"));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  site = await startDemoSite();
  const config = {
    ...site.config,
    mail: { host: "127.0.0.1", port: (smtp.server.address() as AddressInfo).port, from: "gongkai@example.invalid", office: ["office@example.invalid"] },
  };
  writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  crawl1 = await gongkai(["crawl", "--config", "config.json", "--db", db(), "--out", "out"], dir);
  findings = FindingsFileSchema.parse(JSON.parse(readFileSync(path.join(dir, "out", "findings.json"), "utf8"))).findings;
}, 240_000);

afterAll(async () => {
  await site?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("privacy-leak on the demo site", () => {
  it("the crawl ran", () => {
    expect(crawl1.status, crawl1.stderr).toBe(0);
    expect(crawl1.stderr).not.toMatch(/Error|Warning/);
    expect(crawl1.stdout + crawl1.stderr).toMatch(/\[附件 attachments\] 已扫描个人信息 scanned [1-9]/);
  });

  it("finds every planted leak, in the page and in each attachment format, with masked evidence", () => {
    const planted = site.manifest.planted.filter((p) => p.kind === "privacy-leak");
    expect(planted.length).toBeGreaterThan(0);
    const formats = new Set<string>();
    for (const p of planted) {
      const f = findings.find((x) => x.kind === p.kind && x.reason === p.reason && x.pageUrl === p.pageUrl && x.targetUrl === p.targetUrl);
      expect(f, `${p.reason}: ${p.note}`).toBeDefined();
      expect(f!.columnId).toBe(p.columnId);
      expect(f!.severity).toBe("high");
      if (p.linkText) expect(f!.linkText).toBe(p.linkText);
      for (const s of p.evidenceIncludes ?? []) expect(JSON.stringify(f!.evidence) + f!.message, p.note).toContain(s);
      expect(f!.message).toMatch(/未脱敏/);
      if (p.targetUrl) formats.add(p.targetUrl.slice(p.targetUrl.lastIndexOf(".") + 1));
    }
    expect([...formats].sort()).toEqual(["doc", "docx", "pdf", "xls", "xlsx"]);
    expect(planted.some((p) => !p.targetUrl)).toBe(true);
  });

  it("reports nothing that was not planted and none of the neighbours", () => {
    const planted = new Set(site.manifest.planted.map((p) => `${p.kind}|${p.reason}|${p.pageUrl}|${p.targetUrl ?? ""}`));
    const leaks = findings.filter((f) => f.kind === "privacy-leak");
    expect(leaks.filter((f) => !planted.has(`${f.kind}|${f.reason}|${f.pageUrl}|${f.targetUrl ?? ""}`)).map((f) => `${f.reason} ${f.pageUrl} ${f.targetUrl ?? ""}`)).toEqual([]);
    const neighbours = site.manifest.mustNotReport.filter((n) => n.kind === "privacy-leak");
    expect(neighbours.length).toBeGreaterThan(0);
    for (const n of neighbours) expect(leaks.filter((f) => f.pageUrl === n.pageUrl).map((f) => f.message), n.note).toEqual([]);
  });

  it("finds the guide naming an abolished agency, not the one telling history", () => {
    const p = site.manifest.planted.find((x) => x.reason === "defunct-agency")!;
    const f = findings.find((x) => x.kind === "stale-guide" && x.reason === "defunct-agency" && x.pageUrl === p.pageUrl);
    expect(f, p.note).toBeDefined();
    expect(f!.message).toContain("市场监督管理局");
    const history = site.manifest.mustNotReport.filter((n) => n.kind === "stale-guide" && /原区工商局/.test(n.note));
    expect(history).toHaveLength(1);
    expect(findings.filter((x) => x.kind === "stale-guide" && x.pageUrl === history[0]!.pageUrl)).toEqual([]);
    expect(findings.filter((x) => x.reason === "defunct-agency")).toHaveLength(1);
  });
});

describe("no planted number in anything gongkai writes", () => {
  const numbers = allPlantedNumbers();
  const outputs: { what: string; text: string }[] = [];

  beforeAll(async () => {
    outputs.push({ what: "crawl stdout", text: crawl1.stdout }, { what: "crawl stderr", text: crawl1.stderr });
    // Reports in every format, and the mails.
    mails = [];
    const report = await gongkai(["report", "--db", db(), "--config", "config.json", "--out", "report", "--mail"], dir);
    expect(report.status, report.stderr).toBe(0);
    expect(mails.length).toBeGreaterThan(0);
    outputs.push({ what: "report stdout", text: report.stdout + report.stderr });
    for (const [i, m] of mails.entries()) {
      // Bodies and attachments are base64 or quoted-printable: decode every base64 run, keep the raw text too.
      const decoded = m.replace(/[A-Za-z0-9+/=\r\n]{200,}/g, (b64) => Buffer.from(b64.replace(/\s+/g, ""), "base64").toString("latin1"));
      outputs.push({ what: `mail ${i}`, text: m + decoded });
      for (const zipped of decoded.match(/PK\u0003\u0004[\s\S]*/g) ?? []) {
        try {
          const zip = await JSZip.loadAsync(Buffer.from(zipped, "latin1"));
          for (const name of Object.keys(zip.files)) outputs.push({ what: `mail ${i} xlsx ${name}`, text: await zip.files[name]!.async("string") });
        } catch {
          /* not a whole zip */
        }
      }
    }
    for (const file of [...filesUnder(path.join(dir, "out")), ...filesUnder(path.join(dir, "report"))]) {
      const bytes = readFileSync(file);
      outputs.push({ what: path.relative(dir, file), text: bytes.toString("latin1") });
      if (file.endsWith(".xlsx")) {
        const zip = await JSZip.loadAsync(bytes);
        for (const name of Object.keys(zip.files)) outputs.push({ what: `${path.relative(dir, file)}:${name}`, text: await zip.files[name]!.async("string") });
      }
    }
    // The server's answers, to the office (who sees every finding).
    const store = await openStore(db());
    const server = await startServer({ store, tokens: [OFFICE_TOKEN], port: 0, cacheMs: 0, log: () => undefined });
    try {
      const api = (p: string) => get(`${server.url.replace(/\/$/, "")}${p}`, OFFICE_TOKEN.token);
      outputs.push({ what: "api me", text: await api("/api/me") });
      const mine = await api("/api/findings/mine?limit=1000");
      outputs.push({ what: "api mine", text: mine });
      for (const p of new Set(findings.filter((f) => f.kind === "privacy-leak").map((f) => f.pageUrl)))
        outputs.push({ what: `api page ${p}`, text: await api(`/api/findings?page=${encodeURIComponent(p)}`) });
      for (const f of findings.filter((x) => x.kind === "privacy-leak")) outputs.push({ what: `api finding ${f.id}`, text: await api(`/api/findings/${f.id}`) });
      expect(mine).toContain("privacy-leak");
    } finally {
      await server.close();
      await store.close();
    }
    // The database, last: every byte of the file (and its WAL, if one is left).
    for (const f of [db(), `${db()}-wal`]) if (existsSync(f)) outputs.push({ what: path.basename(f), text: readFileSync(f).toString("latin1") });
  }, 240_000);

  it("the outputs were all gathered and hold the findings (masked)", () => {
    const names = outputs.map((o) => o.what);
    for (const want of ["crawl stdout", "out/findings.json", "report/report.html", "report/report.md", "report/report.csv", "report/report.xlsx", "gongkai.sqlite", "api mine"])
      expect(names.some((n) => n === want || n.endsWith(want)), want).toBe(true);
    expect(names.some((n) => /report\.xlsx:xl\/(sharedStrings|worksheets)/.test(n))).toBe(true);
    expect(outputs.find((o) => o.what === "out/findings.json")!.text).toContain("**********");
  });

  it("holds no planted full number anywhere", () => {
    expect(numbers.length).toBeGreaterThanOrEqual(10);
    const hits: string[] = [];
    for (const o of outputs) for (const n of numbers) if (o.text.includes(n)) hits.push(`${o.what}: ${n.slice(0, 4)}…`);
    expect(hits).toEqual([]);
  });
});

describe("re-crawl of unchanged attachments", () => {
  it("downloads no attachment body: each is asked conditionally and answered 304", async () => {
    const cfg = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8"));
    cfg.crawl = { ...cfg.crawl, recheckAfterHours: 0 };
    writeFileSync(path.join(dir, "config-recheck.json"), JSON.stringify(cfg));
    site.resetCounters();
    const again = await gongkai(["crawl", "--config", "config-recheck.json", "--db", db(), "--out", "out2"], dir);
    expect(again.status, again.stderr).toBe(0);
    const planted = site.manifest.planted.filter((p) => p.kind === "privacy-leak" && p.targetUrl).map((p) => new URL(p.targetUrl!).pathname);
    const attachmentRequests = site.requests.filter((r) => planted.includes(r.path.split("?")[0]!));
    expect(attachmentRequests.length, "each planted attachment was asked again").toBeGreaterThanOrEqual(new Set(planted).size);
    expect(attachmentRequests.filter((r) => r.status === 200).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(attachmentRequests.every((r) => r.method === "GET" && r.status === 304)).toBe(true);
    expect(again.stdout + again.stderr).toMatch(/\[附件 attachments\] 已扫描个人信息 scanned \d+（[\d.]+ MB） · 未变化 unchanged [1-9]/);
    // The findings still stand, from the stored (masked) scans.
    const second = FindingsFileSchema.parse(JSON.parse(readFileSync(path.join(dir, "out2", "findings.json"), "utf8"))).findings;
    const leaks = (fs: Finding[]) => fs.filter((f) => f.kind === "privacy-leak").map((f) => f.id).sort();
    expect(leaks(second)).toEqual(leaks(findings));
  }, 240_000);
});
