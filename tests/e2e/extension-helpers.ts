// Shared by the extension tests: a fresh build of the extension, Debian's Chromium with it loaded, and a tiny
// loopback website whose pages the findings point at.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type BrowserContext, type Page, type Worker } from "playwright";
import { EXTENSION_ID } from "../../crawler/serve/server.js";
import { tempDir } from "./serve-helpers.js";

export const EXT_DIR = path.resolve("extension/build/chrome-mv3-prod");
export const OUTPUT_DIR = path.resolve("test-output");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "build", ".plasmo"].includes(entry.name) || entry.name.endsWith(".tsbuildinfo")) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Build the extension unless the build is newer than every source it is made from. */
export function ensureExtensionBuilt(): void {
  const manifest = path.join(EXT_DIR, "manifest.json");
  const sources = Math.max(
    newestMtime(path.resolve("extension")),
    statSync(path.resolve("shared/url.ts")).mtimeMs,
    statSync(path.resolve("crawler/serve/api-types.ts")).mtimeMs,
  );
  // Reused only when newer than its sources and built for the loopback site (not for some other site's origins).
  if (existsSync(manifest) && statSync(manifest).mtimeMs > sources) {
    const built = JSON.parse(readFileSync(manifest, "utf8")) as { content_scripts?: { matches?: string[] }[] };
    if (built.content_scripts?.[0]?.matches?.includes("http://127.0.0.1/*")) return;
  }
  execFileSync("npm", ["run", "build:extension"], { stdio: "inherit", env: { ...process.env, PLASMO_PUBLIC_SITE_ORIGINS: "" } });
}

/** Chromium with the built extension, its UI in `language` (zh_CN or en_US: chrome.i18n follows it). */
export async function launchWithExtension(
  language: "zh_CN" | "en_US",
  extDir: string = EXT_DIR,
): Promise<{ context: BrowserContext; extensionId: string; worker: Worker }> {
  if (!existsSync(`/usr/lib/chromium/locales/${language.replace("_", "-")}.pak`))
    throw new Error(`Chromium has no ${language} UI locale: install Debian's chromium-l10n package`);
  const context = await chromium.launchPersistentContext(tempDir("chromium-profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    env: { ...process.env, LANGUAGE: language, LANG: `${language}.UTF-8` },
    viewport: { width: 1200, height: 800 },
    args: [
      `--disable-extensions-except=${extDir}`,
      `--load-extension=${extDir}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  return { context, extensionId, worker };
}

/**
 * A copy of the build with its manifest changed by `patch` (same key, so the same extension id): e.g. a build for
 * another site, whose content script must be registered at run time for the granted origins.
 */
export function patchedBuild(patch: (manifest: Record<string, any>) => void): string {
  const dir = path.join(tempDir("extension-build"), "ext");
  cpSync(EXT_DIR, dir, { recursive: true });
  const file = path.join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  patch(manifest);
  writeFileSync(file, JSON.stringify(manifest));
  return dir;
}

export interface LoopbackSite {
  baseUrl: string;
  close(): Promise<void>;
}

/** Serve `pages` (path → HTML) on `host`; everything else 404. */
export async function startLoopbackSite(host: "127.0.0.1" | "127.0.0.2", pages: (base: string) => Record<string, string>): Promise<LoopbackSite> {
  let table: Record<string, string> = {};
  const server = http.createServer((req, res) => {
    const body = table[(req.url ?? "/").split("?")[0]];
    if (body === undefined) {
      res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>404</title><h1>页面不存在</h1>");
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  table = pages(baseUrl);
  return {
    baseUrl,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return path.join(OUTPUT_DIR, `extension-${name}.png`);
}

/** Fill the extension's options page as a user would; returns the connection status it shows. */
export async function configure(page: Page, serverUrl: string, token: string): Promise<string> {
  await page.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
  // The page loads the saved settings into the form asynchronously: once they are in, they would overwrite what is
  // typed before (and the save would test the old server). Type, let the load land, and type again if it did.
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.locator("#server-url").fill(serverUrl);
    await page.locator("#token").fill(token);
    await page.waitForTimeout(100);
    const [u, t] = await Promise.all([page.locator("#server-url").inputValue(), page.locator("#token").inputValue()]);
    if (u === serverUrl && t === token) break;
  }
  await page.locator("#save").click();
  const status = page.locator("#status:not([data-status=busy])");
  await status.waitFor();
  return (await status.textContent()) ?? "";
}
