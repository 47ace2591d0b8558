// `gongkai serve`: the findings server the browser extension talks to.
import { existsSync } from "node:fs";
import type { Command } from "./command.js";
import { UsageError, loadConfig, parseCommandArgs } from "../args.js";
import { normalizeUrl } from "../../shared/url.js";

const USAGE = `gongkai serve --db FILE [--port 8787] [--host 127.0.0.1] [--tokens FILE] [--config FILE] [--allow-origin ORIGIN]…

  --db FILE|URL        抓取结果数据库 the crawl database: a SQLite file (default ./gongkai.sqlite) or postgres://…
  --port N             端口 port (default 8787; 0 = any free port)
  --host ADDR          监听地址 address to bind (default 127.0.0.1: this machine only)
  --tokens FILE        令牌文件 tokens file (default ./gongkai-tokens.json):
                       {"tokens":[{"token":"…","name":"张三","department":"办公室","role":"maintainer"}]}
                       role: maintainer（只能处理本科室的问题 own department only）| office（全部 all）
                       可选 optional "sites":["site-id",…]：只能看这些网站 only these sites (a store with several)
  --config FILE        可选：站点配置，用于识别栏目首页 optional: the site config, to know each column's list page
  --allow-origin O     接受的浏览器扩展来源 extension origin to accept (default chrome-extension://${"mcecfampjblgddckichaccphobfofgli"});
                       可重复 repeatable; "chrome-extension://*" accepts any extension

PostgreSQL（--db postgres://…）：一个服务器服务库中所有网站，按页面网址的来源（协议+主机+端口）找到对应网站；
维护人员看不到仅供公开办的 coverage 类问题。One server for every site of the store: a page is answered from the site whose
origin its URL has; maintainers never get the office-only kind coverage.

接口 API (JSON, Authorization: Bearer TOKEN):
  GET  /api/me                          当前用户与站点 who am I, which site
  GET  /api/findings?page=URL           某页面的问题 open findings for one page
  GET  /api/findings/mine               本科室的问题（办公室为全部）my department's open findings (office: all)
  GET  /api/findings/ID                 单个问题 one finding
  POST /api/findings/ID/state           {"state":"acknowledged"|"false-positive"|"open","note":"…"}`;

export const command: Command = {
  summary: "为浏览器扩展提供问题数据的服务 / the findings server for the browser extension",
  usage: USAGE,
  async run(argv) {
    const args = parseCommandArgs(argv, {
      db: { type: "string", default: "gongkai.sqlite" },
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      tokens: { type: "string", default: "gongkai-tokens.json" },
      config: { type: "string" },
      "allow-origin": { type: "string", multiple: true },
    });
    const port = Number(args.port);
    if (!/^\d+$/.test(args.port) || port > 65535) throw new UsageError(`--port: expected a port number 0–65535, got "${args.port}"`);
    const origins = args["allow-origin"];
    for (const o of origins ?? [])
      if (!/^chrome-extension:\/\/([a-p]{32}|\*)$/.test(o) && !/^https?:\/\/[^/]+$/.test(o))
        throw new UsageError(`--allow-origin: expected chrome-extension://<id> or an origin like https://host, got "${o}"`);

    const { loadTokensFile } = await import("../serve/tokens.js");
    const tokens = loadTokensFile(args.tokens);
    const config = args.config ? loadConfig(args.config) : undefined;
    const { openStore, isPostgresUrl } = await import("../store/index.js");
    if (!isPostgresUrl(args.db) && !existsSync(args.db))
      throw new UsageError(`数据库不存在 database not found: ${args.db} (先运行 run \`gongkai crawl\` first, or pass --db FILE)`);

    const { startServer } = await import("../serve/server.js");
    const store = await openStore(args.db);
    const server = await startServer({
      store,
      tokens,
      port,
      host: args.host,
      allowedOrigins: origins,
      site: config?.site,
      columns: config?.columns.map((c) => ({ id: c.id, name: c.name, url: normalizeUrl(c.url) ?? c.url })),
      log: (line) => process.stdout.write(line + "\n"),
    }).catch(async (e: NodeJS.ErrnoException) => {
      await store.close();
      if (e.code === "EADDRINUSE") throw new Error(`端口已被占用 port already in use: ${args.host}:${port} (换一个端口 pick another with --port)`);
      if (e.code === "EADDRNOTAVAIL") throw new UsageError(`--host: 本机没有这个地址 no such address on this machine: ${args.host}`);
      throw e;
    });
    process.stdout.write(`问题服务已启动 findings server listening on ${server.url} (${tokens.length} 个令牌 tokens, 数据库 database ${store.location})\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    await store.close();
    return 0;
  },
};
