#!/usr/bin/env node
// `node bin/serve-demo.mjs [--port N] [--external-port N] [--size demo|N] [--latency MS] [--now ISO] [--js-column] [--config FILE]`:
// serve the demo site (127.0.0.1) and its "other website" (127.0.0.2) until Ctrl-C, and print their URLs.
// --js-column adds the 重大行政决策 column whose list only a browser (or a reader of its JSON API) sees.
import { register } from "tsx/esm/api";
register();
const { startDemoSite } = await import("../tests/fixtures/demo-site/server.ts");

const args = process.argv.slice(2);
const usage =
  "用法 usage: node bin/serve-demo.mjs [--port N] [--external-port N] [--size demo|N] [--latency MS] [--now ISO-DATE] [--js-column] [--config FILE]";
const opts = {};
let configFile;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const v = args[i + 1];
  const need = () => {
    if (v === undefined) fail(`${a} 需要一个值 needs a value`);
    i++;
    return v;
  };
  if (a === "--help" || a === "-h") {
    console.log(usage);
    process.exit(0);
  } else if (a === "--port") opts.port = port(a, need());
  else if (a === "--external-port") opts.externalPort = port(a, need());
  else if (a === "--size") {
    const s = need();
    opts.size = s === "demo" ? "demo" : Number(s);
    if (opts.size !== "demo" && !(Number.isInteger(opts.size) && opts.size > 0)) fail(`--size: 应为 demo 或正整数 must be "demo" or a positive integer, got ${s}`);
  } else if (a === "--latency") {
    opts.latencyMs = Number(need());
    if (!(opts.latencyMs >= 0)) fail(`--latency: 应为非负毫秒数 must be milliseconds >= 0`);
  } else if (a === "--now") {
    opts.now = new Date(need());
    if (Number.isNaN(opts.now.getTime())) fail(`--now: 不是有效日期 not a valid date: ${v}`);
  } else if (a === "--js-column") opts.jsColumn = true;
  else if (a === "--config") configFile = need();
  else fail(`未知参数 unknown argument: ${a}`);
}

function port(name, s) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${name}: 不是有效端口 not a valid port: ${s}`);
  return n;
}
function fail(msg) {
  console.error(msg);
  console.error(usage);
  process.exit(2);
}

let site;
try {
  site = await startDemoSite(opts);
} catch (e) {
  console.error(`演示站点无法启动 the demo site could not start: ${e.message}`);
  process.exit(1);
}
const m = site.manifest;
console.log(`演示站点 demo site:           ${site.baseUrl}`);
console.log(`另一网站 other website:       ${site.externalBaseUrl}`);
console.log(`页面 pages: ${m.pageCount}  栏目 columns: ${m.columns.length}  预置问题 planted: ${m.planted.length}  日期基准 now: ${m.now}`);
for (const c of m.columns) console.log(`  ${c.id.padEnd(7)} ${c.name}\t${c.url}`);
if (configFile) {
  site.writeConfig(configFile);
  console.log(`配置 config written:          ${configFile}`);
}
console.log("按 Ctrl-C 停止 press Ctrl-C to stop");
const stop = async () => {
  await site.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
