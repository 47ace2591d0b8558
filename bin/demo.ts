// `npm run demo`: the main job on the demo site, end to end. Serves the demo site on loopback, crawls it, writes
// findings.json and the weekly report, starts the findings server with a demo token, and prints where everything is.
// With --exit it stops after writing everything (used by the test of the quick start); otherwise it keeps serving.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { startDemoSite } from "../tests/fixtures/demo-site/server.js";
import { ConfigSchema } from "../shared/schema.js";
import { runCrawl } from "../crawler/pipeline.js";
import { main as cli } from "../crawler/cli.js";
import { openStore } from "../crawler/store/index.js";
import { startServer } from "../crawler/serve/server.js";

const exitAfter = process.argv.includes("--exit");
const dir = path.resolve(".gongkai-demo");
mkdirSync(dir, { recursive: true });
const dbFile = path.join(dir, "gongkai.sqlite");
const outDir = path.join(dir, "out");
const reportDir = path.join(dir, "report");
const configFile = path.join(dir, "config.json");
const tokensFile = path.join(dir, "tokens.json");

const demoPort = Number(process.env.DEMO_PORT ?? 8080);
// The second host on the same port number (127.0.0.2 is another address): its links keep their URLs from one demo
// run to the next, so its findings keep their ids instead of being marked fixed and found anew each time.
const site = await startDemoSite({ port: demoPort, externalPort: demoPort }).catch((e: NodeJS.ErrnoException) => {
  if (e.code !== "EADDRINUSE") throw e;
  console.error(`端口 ${demoPort} 已被占用 port ${demoPort} is in use — 换一个端口 pick another: DEMO_PORT=8081 npm run demo`);
  process.exit(1);
});
site.writeConfig(configFile);
const config = ConfigSchema.parse(site.config);
console.log(`演示站点 demo site:      ${site.baseUrl}  (第二个主机 second host ${site.externalBaseUrl})`);
console.log(`配置 config:             ${configFile}`);

const crawl = await runCrawl(config, { dbFile, outDir, log: (l) => process.stderr.write(l + "\n") });
console.log(`问题清单 findings.json:  ${crawl.findingsFile}  (${crawl.findings.length} 条 findings)`);

const reportCode = await cli(["report", "--db", dbFile, "--since", "7d", "--format", "html,md,csv,xlsx", "--out", reportDir, "--config", configFile]);
if (reportCode !== 0) console.error(`报告生成失败 report failed (exit ${reportCode})`);
console.log(`周报 report:             ${path.join(reportDir, "report.html")}  (+ .md .csv .xlsx)`);

const token = "demo-token-office";
writeFileSync(
  tokensFile,
  JSON.stringify(
    {
      tokens: [
        { token, name: "演示用户", department: "办公室", role: "office" },
        ...[...new Set(config.columns.map((c) => c.maintainer.department))].map((department, i) => ({
          token: `demo-token-${i + 1}`,
          name: `${department}维护人`,
          department,
          role: "maintainer",
        })),
      ],
    },
    null,
    2,
  ),
);
const store = await openStore(dbFile);
const serverPort = Number(process.env.DEMO_SERVER_PORT ?? 8787);
const server = await startServer({ store, tokens: JSON.parse(readFileSync(tokensFile, "utf8")).tokens, port: serverPort }).catch((e: Error & { code?: string }) => {
  if (e.code !== "EADDRINUSE" && !/in use|占用/.test(e.message)) throw e;
  console.error(`端口 ${serverPort} 已被占用 port ${serverPort} is in use — 换一个端口 pick another: DEMO_SERVER_PORT=8788 npm run demo`);
  process.exit(1);
});
console.log(`问题服务 findings server: ${server.url}  令牌 token: ${token}  (全部令牌 all tokens: ${tokensFile})`);
// The extension, built once (about a minute) so the instructions below point at something that exists.
const extDir = path.resolve("extension/build/chrome-mv3-prod");
if (!existsSync(path.join(extDir, "manifest.json"))) {
  console.log("构建浏览器扩展 building the browser extension …");
  const built = spawnSync("npm", ["run", "build:extension"], { stdio: ["ignore", "ignore", "inherit"] });
  if (built.status !== 0) console.error("扩展构建失败 extension build failed: npm run build:extension");
}
console.log("");
console.log(`浏览器扩展 browser extension: ${extDir}`);
console.log("  Chromium: chrome://extensions → 开发者模式 Developer mode → 加载已解压的扩展程序 Load unpacked → 选择该目录 pick that folder");
console.log(`  选项 options: 服务地址 server URL ${server.url}  令牌 token ${token}`);
console.log(`  然后打开 then open ${site.baseUrl}`);

if (exitAfter) {
  await server.close();
  await store.close();
  await site.close();
} else {
  console.log("\n按 Ctrl-C 停止 press Ctrl-C to stop");
  const stop = async () => {
    await server.close();
    await store.close();
    await site.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
