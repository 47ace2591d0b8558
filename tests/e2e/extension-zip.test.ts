// `npm run build:extension` also writes the zip an office hands out: it must hold exactly the built folder (manifest
// at its root, as patched for the site), and unpacked elsewhere it must load in Chromium as the same extension.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { unzipSync } from "fflate";
import type { BrowserContext } from "playwright";
import { EXTENSION_ID } from "../../crawler/serve/server.js";
import { EXT_DIR, ensureExtensionBuilt, launchWithExtension } from "./extension-helpers.js";
import { tempDir } from "./serve-helpers.js";

const version = JSON.parse(readFileSync(path.resolve("extension/package.json"), "utf8")).version as string;
const ZIP = path.resolve("extension/build", `gongkai-extension-${version}.zip`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

let context: BrowserContext | undefined;
afterAll(async () => {
  await context?.close();
});

describe("the extension zip", () => {
  it("holds exactly the built extension, manifest.json at its root", () => {
    ensureExtensionBuilt();
    // A build from before the zip existed (or older than the folder) is rebuilt once.
    if (!existsSync(ZIP) || statSync(ZIP).mtimeMs < statSync(path.join(EXT_DIR, "manifest.json")).mtimeMs)
      execFileSync("npm", ["run", "build:extension"], { stdio: "inherit", env: { ...process.env, PLASMO_PUBLIC_SITE_ORIGINS: "" } });
    const entries = unzipSync(readFileSync(ZIP));
    expect(Object.keys(entries).sort()).toEqual(filesUnder(EXT_DIR));
    expect(JSON.parse(Buffer.from(entries["manifest.json"]).toString("utf8"))).toEqual(JSON.parse(readFileSync(path.join(EXT_DIR, "manifest.json"), "utf8")));
    for (const [name, bytes] of Object.entries(entries)) expect(Buffer.from(bytes).equals(readFileSync(path.join(EXT_DIR, name))), name).toBe(true);
  });

  it("unpacked into another folder, loads in Chromium as the same extension (same id, so the server accepts it)", async () => {
    const dir = tempDir("extension-unzipped");
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(ZIP)))) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), bytes);
    }
    const launched = await launchWithExtension("zh_CN", dir);
    context = launched.context;
    expect(launched.extensionId).toBe(EXTENSION_ID);
    const page = await context.newPage();
    await page.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
    await expect.poll(() => page.locator("body").innerText()).toMatch(/[\u4e00-\u9fff]/);
  });
});
