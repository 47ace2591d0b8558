// `gongkai report --mail` against a real SMTP server on loopback (smtp-server, with authentication): each
// department gets its part from the maintainers' addresses in the config, the office the whole report; what
// arrived is parsed back, down to the XLSX attachment read with exceljs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import ExcelJS from "exceljs";
import { buildFixture, SCRIPT_LINK_TEXT } from "./report-fixture.js";

const root = path.resolve(".");
const PASSWORD_ENV = "GONGKAI_TEST_SMTP_PASSWORD";

interface Received {
  from: string;
  to: string[];
  raw: string;
}

// ---- a small MIME reader, enough for what nodemailer writes -------------------------------------------------
interface Part {
  headers: Map<string, string>;
  body: Buffer;
  parts: Part[];
}

function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _cs: string, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
    );
}

function param(header: string, name: string): string | undefined {
  // RFC 2231 (name*=utf-8''…, possibly split as name*0*=…; name*1*=…) or a plain quoted value.
  const pieces = [...header.matchAll(new RegExp(`${name}\\*(\\d+)?(\\*)?=("?)([^";]*)\\3`, "gi"))];
  if (pieces.length) {
    const joined = pieces.sort((a, b) => Number(a[1] ?? 0) - Number(b[1] ?? 0)).map((p) => p[4]).join("");
    return decodeURIComponent(joined.replace(/^[^']*'[^']*'/, ""));
  }
  const m = new RegExp(`${name}="?([^";]*)"?`, "i").exec(header);
  return m ? decodeWords(m[1]) : undefined;
}

function parseMime(raw: Buffer): Part {
  const text = raw.toString("latin1");
  const split = text.indexOf("\r\n\r\n");
  const headerText = split === -1 ? text : text.slice(0, split);
  const bodyText = split === -1 ? "" : text.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of headerText.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  const type = headers.get("content-type") ?? "text/plain";
  if (/^multipart\//i.test(type)) {
    const boundary = param(type, "boundary")!;
    const chunks = bodyText.split(`--${boundary}`).slice(1);
    const parts = chunks.filter((c) => !c.startsWith("--")).map((c) => parseMime(Buffer.from(c.replace(/^\r\n/, "").replace(/\r\n$/, ""), "latin1")));
    return { headers, body: Buffer.alloc(0), parts };
  }
  const cte = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
  const body =
    cte === "base64"
      ? Buffer.from(bodyText.replace(/\s+/g, ""), "base64")
      : cte === "quoted-printable"
        ? Buffer.from(bodyText.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1")
        : Buffer.from(bodyText, "latin1");
  return { headers, body, parts: [] };
}

function leaves(p: Part): Part[] {
  return p.parts.length ? p.parts.flatMap(leaves) : [p];
}

function attachments(p: Part): { filename: string; type: string; content: Buffer }[] {
  return leaves(p)
    .filter((x) => /attachment/i.test(x.headers.get("content-disposition") ?? ""))
    .map((x) => ({ filename: param(x.headers.get("content-disposition")!, "filename")!, type: x.headers.get("content-type")!, content: x.body }));
}

function htmlOf(p: Part): string {
  return leaves(p).find((x) => /^text\/html/i.test(x.headers.get("content-type") ?? "") && !/attachment/i.test(x.headers.get("content-disposition") ?? ""))!.body.toString("utf8");
}

async function sheetsOf(xlsx: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  return wb;
}

// ---- the server and the run ---------------------------------------------------------------------------------
let dir: string;
let db: string;
let configFile: string;
let server: SMTPServer;
let received: Received[] = [];
let authAttempts: string[] = [];

/** Run the CLI without blocking: the SMTP server lives in this process and must keep answering meanwhile. */
function gongkai(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "bin/gongkai.mjs"), ...args], { cwd: dir, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: false,
    onAuth(auth, _session, cb) {
      authAttempts.push(`${auth.username}:${auth.password}`);
      if (auth.username === "gongkai" && auth.password === "s3cret-口令") cb(null, { user: auth.username });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("latin1"),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  dir = mkdtempSync(path.join(tmpdir(), "gongkai-mail-"));
  db = path.join(dir, "gongkai.sqlite");
  configFile = path.join(dir, "config.json");
  await buildFixture(db, configFile, new Date(), { port, user: "gongkai", passwordEnv: PASSWORD_ENV });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("report --mail", () => {
  let run: Awaited<ReturnType<typeof gongkai>>;
  const byTo = (addr: string) => received.find((m) => m.to.includes(addr))!;

  beforeAll(async () => {
    received = [];
    authAttempts = [];
    run = await gongkai(["report", "--db", db, "--config", configFile, "--out", path.join(dir, "out"), "--mail"], { ...process.env, [PASSWORD_ENV]: "s3cret-口令" });
  });

  it("sends one mail per department with addresses, and one to the office; says who was skipped", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(authAttempts.every((a) => a === "gongkai:s3cret-口令")).toBe(true);
    expect(received.map((m) => m.to).sort((a, b) => a[0].localeCompare(b[0]))).toEqual(
      [
        ["zhangsan@example.invalid", "wangwu@example.invalid"],
        ["lisi@example.invalid", "fagui-kezhang@example.invalid"],
        ["zhaoliu@example.invalid"],
        ["sunba@example.invalid"],
        ["qianqi@example.invalid"],
        ["bangongshi@example.invalid"],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );
    expect(received.every((m) => m.from === "gongkai@example.invalid")).toBe(true);
    expect(run.stdout).toContain("未发送 skipped: 财务科 没有收件人 has no e-mail address in the config");
    expect(run.stdout).toContain("邮件 mail: 6 封已发送 sent, 0 封失败 failed");
  });

  it("a department's mail holds its part only, as HTML, with its XLSX attached", async () => {
    const mail = parseMime(Buffer.from(byTo("zhangsan@example.invalid").raw, "latin1"));
    const subject = decodeWords(mail.headers.get("subject")!);
    expect(subject).toMatch(/^【断链周报】上海市嘉定区市场监督管理局 · 办公室 · \d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d · 新发现 3 \/ 未修复 8$/);
    const html = htmlOf(mail);
    expect(html).toContain("以下是办公室负责栏目的本期检查结果");
    expect(html).toContain("<h2>办公室</h2>");
    expect(html).not.toContain("<h2>法规科</h2>");
    expect(html).toContain("&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;");
    expect(html).not.toContain("<script");

    const files = attachments(mail);
    expect(files.map((f) => f.filename)).toEqual([expect.stringMatching(/^断链周报-办公室-\d{4}-\d\d-\d\d\.xlsx$/)]);
    expect(files[0].type).toMatch(/spreadsheetml/);
    const wb = await sheetsOf(files[0].content);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "办公室"]);
    const texts: string[] = [];
    wb.getWorksheet("办公室")!.eachRow((r) => texts.push(String(r.getCell(5).value ?? "")));
    expect(texts).toContain(SCRIPT_LINK_TEXT);
  });

  it("the configured extra recipients of a department get its mail too", () => {
    const m = byTo("fagui-kezhang@example.invalid");
    expect(m.to).toContain("lisi@example.invalid");
    expect(decodeWords(parseMime(Buffer.from(m.raw, "latin1")).headers.get("subject")!)).toContain("· 法规科 ·");
  });

  it("the office gets the whole report: every department's sheet and the full HTML report with the chart", async () => {
    const mail = parseMime(Buffer.from(byTo("bangongshi@example.invalid").raw, "latin1"));
    expect(decodeWords(mail.headers.get("subject")!)).toMatch(/^【断链周报】上海市嘉定区市场监督管理局 · \d{4}.* · 新发现 4 \/ 未修复 12$/);
    const files = attachments(mail);
    expect(files.map((f) => f.filename.replace(/\d{4}-\d\d-\d\d/, "DATE"))).toEqual(["断链周报-DATE.xlsx", "断链周报-DATE.html"]);
    const wb = await sheetsOf(files[0].content);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "办公室", "法规科", "注册许可科", "人事科", "信用监管科", "财务科"]);
    expect(files[1].content.toString("utf8")).toContain("<svg");
  });
});

it("a wrong password: the report is still written, every mail fails with the server's answer, exit 1", async () => {
  received = [];
  const out = path.join(dir, "out-badpass");
  const r = await gongkai(["report", "--db", db, "--config", configFile, "--out", out, "--format", "html", "--mail"], { ...process.env, [PASSWORD_ENV]: "wrong" });
  expect(r.status).toBe(1);
  expect(existsSync(path.join(out, "report.html"))).toBe(true);
  expect(received).toEqual([]);
  expect(r.stderr).toMatch(/邮件发送失败 mail failed: 办公室 → zhangsan@example\.invalid, wangwu@example\.invalid: .*Invalid username or password/);
});

it("the password's environment variable not set: exit 2 before anything is written", async () => {
  const env = { ...process.env };
  delete env[PASSWORD_ENV];
  const out = path.join(dir, "out-noenv");
  const r = await gongkai(["report", "--db", db, "--config", configFile, "--out", out, "--mail"], env);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`mail.passwordEnv: 环境变量 ${PASSWORD_ENV} 未设置 environment variable ${PASSWORD_ENV} is not set`);
  expect(existsSync(out)).toBe(false);
});
