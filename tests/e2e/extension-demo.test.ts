/// <reference types="chrome" />
// The whole chain on the demo site: a real crawl (runCrawl) fills the store, `startServer` serves it, and the built
// extension in Debian's Chromium shows the planted defects on the live pages. Ground truth is the demo site's
// manifest; every planted defect the crawl reported must appear on its page. The toolbar popup cannot be opened
// headless, so popup.html?url=PAGE is opened in a tab (it shows that page's findings as the popup would).
import path from "node:path";
import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCrawl } from "../../crawler/pipeline.js";
import { startServer, type RunningServer } from "../../crawler/serve/server.js";
import { openStore } from "../../crawler/store/index.js";
import type { Store, StoredFinding } from "../../crawler/store/types.js";
import { ConfigSchema } from "../../shared/schema.js";
import { normalizeUrl } from "../../shared/url.js";
import { translatorFrom, type MessagesJson } from "../../extension/lib/i18n.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import type { PlantedFinding } from "../fixtures/demo-site/manifest.js";
import { ensureExtensionBuilt, launchWithExtension, screenshotPath } from "./extension-helpers.js";
import { tempDir } from "./serve-helpers.js";

const zh = translatorFrom(JSON.parse(readFileSync(path.resolve("extension/locales/zh_CN/messages.json"), "utf8")) as MessagesJson);
const OFFICE = { token: "demo-office-token-0123456789", name: "王主任", department: "办公室", role: "office" as const };
const LINK_KINDS = new Set(["broken-link", "wrong-link"]);

let site: DemoSite;
let store: Store;
let server: RunningServer;
let context: BrowserContext;
let extensionId: string;
/** Planted defects the crawl reported, with the stored finding for each. */
let found: { planted: PlantedFinding; finding: StoredFinding }[] = [];

const same = (a: string | undefined, b: string | undefined) => (a ? normalizeUrl(a) : undefined) === (b ? normalizeUrl(b) : undefined);

beforeAll(async () => {
  ensureExtensionBuilt();
  site = await startDemoSite();
  const config = ConfigSchema.parse(site.config);
  const dir = tempDir("extension-demo");
  const dbFile = path.join(dir, "gongkai.sqlite");
  const crawl = await runCrawl(config, { dbFile, outDir: dir, log: () => {} });
  expect(crawl.exitCode).toBe(0);
  store = openStore(dbFile);
  const stored = store.findings({ states: ["open"] });
  for (const planted of site.manifest.planted) {
    const finding = stored.find((f) => f.kind === planted.kind && same(f.pageUrl, planted.pageUrl) && (!planted.targetUrl || same(f.targetUrl, planted.targetUrl)));
    if (finding) found.push({ planted, finding });
  }
  console.log(`demo crawl: ${stored.length} open findings; ${found.length} of ${site.manifest.planted.length} planted defects reported`);
  server = await startServer({
    store,
    tokens: [OFFICE],
    port: 0,
    site: config.site,
    columns: config.columns.map((c) => ({ id: c.id, name: c.name, url: c.url })),
  });
  ({ context, extensionId } = await launchWithExtension("zh_CN"));
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await options.locator("#server-url").fill(server.url);
  await options.locator("#token").fill(OFFICE.token);
  await options.locator("#save").click();
  await options.locator("#status[data-status=ok]").waitFor({ timeout: 15_000 });
  await options.close();
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  store?.close();
  await site?.close();
});

/** Normalised targets of every link element on the page, computed apart from the extension. */
async function targetsOnPage(page: Page): Promise<Map<string, string | null>> {
  const raw = await page.evaluate(() =>
    [...document.querySelectorAll("a[href],area[href],img[src],iframe[src],embed[src],object[data],source[src],link[href],script[src]")].map((e) => ({
      raw: e.getAttribute(e.tagName === "OBJECT" ? "data" : e.hasAttribute("href") ? "href" : "src")!,
      base: document.baseURI,
      marked: e.getAttribute("data-gongkai-finding"),
    })),
  );
  const out = new Map<string, string | null>();
  for (const r of raw) {
    const url = normalizeUrl(r.raw, r.base);
    if (url && !out.get(url)) out.set(url, r.marked);
  }
  return out;
}

async function openAndSettle(url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  // Settled when the overlay is there (findings) — every page in this test has findings.
  await page.locator("gongkai-overlay").waitFor({ state: "attached", timeout: 15_000 });
  return page;
}

describe("the demo site after a real crawl", () => {
  it("reports most planted defects (the crawler's job), so there is something to show", () => {
    expect(found.length).toBeGreaterThanOrEqual(Math.ceil(site.manifest.planted.length * 0.8));
  });

  it("marks every planted broken or wrong link that stands on its page, with the right kind", async () => {
    const links = found.filter((f) => LINK_KINDS.has(f.planted.kind));
    expect(links.length).toBeGreaterThan(3);
    const pages = [...new Set(links.map((l) => l.finding.pageUrl))];
    let checked = 0;
    const notInDom: string[] = [];
    for (const pageUrl of pages) {
      const page = await openAndSettle(pageUrl);
      const targets = await targetsOnPage(page);
      for (const { planted, finding } of links.filter((l) => l.finding.pageUrl === pageUrl)) {
        const key = normalizeUrl(finding.targetUrl!)!;
        if (!targets.has(key)) {
          notInDom.push(`${planted.kind} ${finding.targetUrl} (${planted.note})`);
          continue;
        }
        expect(targets.get(key), `${planted.note}: ${finding.targetUrl} on ${pageUrl}`).toBe(planted.kind);
        checked++;
      }
      await page.close();
    }
    if (notInDom.length) console.log(`planted link defects not in the rendered page (built by script or not an element):\n  ${notInDom.join("\n  ")}`);
    expect(checked).toBeGreaterThanOrEqual(Math.ceil(links.length * 0.7));
  });

  it("explains a broken link in its tooltip: link text, what is wrong, whose column, what to do", async () => {
    const { finding } = found.find((f) => f.planted.kind === "broken-link" && f.finding.linkText)!;
    const page = await openAndSettle(finding.pageUrl);
    const marked = page.locator("[data-gongkai-finding=broken-link]");
    const count = await marked.count();
    let hovered = false;
    for (let i = 0; i < count && !hovered; i++) {
      const el = marked.nth(i);
      const raw = await el.evaluate((e) => e.getAttribute("href") ?? e.getAttribute("src"));
      if (raw && same(new URL(raw, finding.pageUrl).href, finding.targetUrl)) {
        await el.scrollIntoViewIfNeeded();
        await el.hover();
        hovered = true;
      }
    }
    expect(hovered).toBe(true);
    const tip = page.locator("gongkai-overlay .tip");
    await tip.waitFor();
    const text = (await tip.textContent()) ?? "";
    expect(text).toContain(zh("kind_broken_link"));
    expect(text).toContain(finding.message);
    expect(text).toContain(zh("tip_link_text", [finding.linkText!]));
    expect(text).toContain(zh("tip_owner", [finding.maintainer.department, finding.maintainer.name]));
    await page.screenshot({ path: screenshotPath("demo-broken-link") });
    await page.close();
  });

  it("shows stale guides, stale and empty columns, misfiled items and missing interpretations in the banner", async () => {
    const pageKinds = found.filter((f) => !LINK_KINDS.has(f.planted.kind));
    const shot = new Set<string>();
    for (const { planted, finding } of pageKinds) {
      const page = await openAndSettle(finding.pageUrl);
      const panel = page.locator("gongkai-overlay .panel");
      await panel.waitFor();
      const text = (await panel.textContent()) ?? "";
      expect(text, planted.note).toContain(finding.message);
      expect(await page.locator(`gongkai-overlay .item[data-kind="${planted.kind}"]`).count(), planted.note).toBeGreaterThan(0);
      if (!shot.has(planted.kind) && ["stale-guide", "stale-column"].includes(planted.kind)) {
        shot.add(planted.kind);
        await page.screenshot({ path: screenshotPath(`demo-${planted.kind}`) });
      }
      await page.close();
    }
    expect([...new Set(pageKinds.map((f) => f.planted.kind))]).toEqual(expect.arrayContaining(["stale-guide", "stale-column"]));
  });

  it("leaves a healthy page alone and does nothing on the other website (127.0.0.2)", async () => {
    const withFindings = new Set(store.findings().map((f) => normalizeUrl(f.pageUrl)));
    const columnUrls = new Set((ConfigSchema.parse(site.config).columns ?? []).map((c) => normalizeUrl(c.url)));
    const healthy = site.manifest.healthyTargets.find(
      (u) => u.startsWith(site.baseUrl) && /\.s?html$/.test(u) && !withFindings.has(normalizeUrl(u)) && !columnUrls.has(normalizeUrl(u)),
    );
    const external = site.manifest.healthyTargets.find((u) => u.startsWith(site.externalBaseUrl)) ?? `${site.externalBaseUrl}/`;
    expect(healthy).toBeTruthy();
    for (const url of [healthy!, external]) {
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForTimeout(1500);
      expect(await page.locator("gongkai-overlay, gongkai-marker, [data-gongkai-finding]").count(), url).toBe(0);
      await page.close();
    }
  });

  it("acknowledges a planted broken link from the popup: the server records it and the mark goes away", async () => {
    const { finding } = found.find((f) => f.planted.kind === "broken-link" && f.finding.targetUrl && f.finding.linkText)!;
    const page = await openAndSettle(finding.pageUrl);
    const key = normalizeUrl(finding.targetUrl!)!;
    expect((await targetsOnPage(page)).get(key)).toBe("broken-link");
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html?url=${encodeURIComponent(finding.pageUrl)}`);
    await popup.locator(`.finding[data-finding-id="${finding.id}"] button[data-action=acknowledged]`).first().click();
    await expect.poll(() => store.finding(finding.id)!.state).toBe("acknowledged");
    expect(store.finding(finding.id)!.stateBy?.name).toBe(OFFICE.name);
    await expect.poll(async () => (await targetsOnPage(page)).get(key) ?? null, { timeout: 10_000 }).toBeNull();
    await popup.close();
    await page.close();
  });
});
