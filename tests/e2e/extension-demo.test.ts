/// <reference types="chrome" />
// The whole chain on the demo site: a real crawl (runCrawl) fills the store, `startServer` serves it, and the built
// extension in Debian's Chromium shows the findings on the live pages. Ground truth is the demo site's manifest:
// every planted defect must be reported, and every finding of a page must be shown there — a link finding as a mark
// on the element whose URL it names, a page finding in the banner. A failure names the finding. The toolbar popup
// cannot be opened headless, so popup.html?url=PAGE is opened in a tab (it shows that page's findings as the popup would).
//
// Which element a link finding names is decided here apart from the extension: the URL the browser itself resolved
// (the element's href/src property: <base href>, ../, escapes, default ports all applied by Chromium), normalised by
// the crawler's shared/url, plus the fragment for a missing-anchor finding. The extension resolves the attribute on
// its own; if its resolution and the browser's disagree for any href form the demo site plants, a mark is missing.
import path from "node:path";
import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCrawl } from "../../crawler/pipeline.js";
import { startServer, type RunningServer } from "../../crawler/serve/server.js";
import { openStore } from "../../crawler/store/index.js";
import type { Store, StoredFinding } from "../../crawler/store/types.js";
import { ConfigSchema } from "../../shared/schema.js";
import { fragmentOf, normalizeUrl } from "../../shared/url.js";
import { translatorFrom, type MessagesJson } from "../../extension/lib/i18n.js";
import { startDemoSite, type DemoSite } from "../fixtures/demo-site/server.js";
import type { PlantedFinding } from "../fixtures/demo-site/manifest.js";
import { ensureExtensionBuilt, launchWithExtension, screenshotPath } from "./extension-helpers.js";
import { tempDir } from "./serve-helpers.js";

const zh = translatorFrom(JSON.parse(readFileSync(path.resolve("extension/locales/zh_CN/messages.json"), "utf8")) as MessagesJson);
const OFFICE = { token: "demo-office-token-0123456789", name: "王主任", department: "办公室", role: "office" as const };
/** The kinds of the contract that are about a page, not a link: each must be planted and shown in the banner. */
const PAGE_KINDS = ["misfiled", "stale-guide", "stale-column", "empty-column", "missing-interpretation"];
/** For the office running gongkai: never shown by the extension (contract, Round 2: coverage). */
const OFFICE_ONLY = new Set(["coverage"]);
const LINK_SELECTOR = "a[href],area[href],img[src],iframe[src],frame[src],embed[src],object[data],source[src],video[src],audio[src],link[href],script[src]";

let site: DemoSite;
let store: Store;
let server: RunningServer;
let context: BrowserContext;
let extensionId: string;
/** Every open finding the extension must show (office-only kinds left out). */
let shown: StoredFinding[] = [];
/** Planted defects the crawl reported, with the stored finding for each; and those it did not. */
const found: { planted: PlantedFinding; finding: StoredFinding }[] = [];
const missed: PlantedFinding[] = [];
const serverLog: string[] = [];
const findingsRequests = () => serverLog.filter((l) => / GET \/api\/findings 200 /.test(l)).length;

const label = (f: StoredFinding) => `${f.kind}/${f.reason}${f.targetUrl ? ` → ${f.targetUrl}` : ""}${f.linkText ? ` “${f.linkText}”` : ""} on ${f.pageUrl}`;

beforeAll(async () => {
  ensureExtensionBuilt();
  site = await startDemoSite();
  const config = ConfigSchema.parse(site.config);
  const dir = tempDir("extension-demo");
  const dbFile = path.join(dir, "gongkai.sqlite");
  const crawl = await runCrawl(config, { dbFile, outDir: dir, log: () => {} });
  expect(crawl.exitCode).toBe(0);
  store = await openStore(dbFile);
  const open = await store.findings({ states: ["open"] });
  shown = open.filter((f) => !OFFICE_ONLY.has(f.kind));
  for (const planted of site.manifest.planted) {
    const finding = open.find(
      (f) => f.kind === planted.kind && f.reason === planted.reason && f.pageUrl === planted.pageUrl && (!planted.targetUrl || f.targetUrl === planted.targetUrl),
    );
    if (finding) found.push({ planted, finding });
    else missed.push(planted);
  }
  server = await startServer({
    store,
    tokens: [OFFICE],
    port: 0,
    site: config.site,
    columns: config.columns.map((c) => ({ id: c.id, name: c.name, url: c.url })),
    log: (l) => serverLog.push(l),
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
  await store?.close();
  await site?.close();
});

interface LinkOnPage {
  /** The URL as Chromium resolved it (href, src or data property). */
  resolved: string;
  text: string;
  marked: string | null;
}
interface PageView {
  links: LinkOnPage[];
  banner: { kind: string; text: string }[];
}

/** Open a page with findings and wait until the content script has marked it (the overlay says when). */
async function openAndSettle(url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator("gongkai-overlay[data-ready-at]").waitFor({ state: "attached", timeout: 15_000 });
  return page;
}

const views = new Map<string, PageView>();
/** What the extension shows on a page: its link elements (marked or not) and the banner's items. Looked at once. */
async function viewOf(pageUrl: string): Promise<PageView> {
  const cached = views.get(pageUrl);
  if (cached) return cached;
  const page = await context.newPage();
  await page.goto(pageUrl);
  // No overlay within the wait: nothing is shown, and every finding of the page is reported below by name.
  const settled = await page
    .locator("gongkai-overlay[data-ready-at]")
    .waitFor({ state: "attached", timeout: 15_000 })
    .then(() => true)
    .catch(() => false);
  if (!settled) console.log(`no overlay on ${pageUrl}`);
  const links = await page.evaluate((selector) => {
    const urlOf = (e: Element): unknown => ("href" in e ? (e as HTMLAnchorElement).href : "src" in e ? (e as HTMLImageElement).src : (e as HTMLObjectElement).data);
    return [...document.querySelectorAll(selector)].map((e) => ({
      resolved: String(urlOf(e) ?? ""),
      text: (e.textContent ?? "").replace(/\s+/g, " ").trim(),
      marked: e.getAttribute("data-gongkai-finding"),
    }));
  }, LINK_SELECTOR);
  const banner = await page.locator("gongkai-overlay .item").evaluateAll((items) => items.map((i) => ({ kind: (i as HTMLElement).dataset.kind ?? "", text: i.textContent ?? "" })));
  await page.close();
  const view = { links, banner };
  views.set(pageUrl, view);
  return view;
}

/** Does the link point at what the finding names? The page it opens, and for a missing anchor the fragment too. */
function pointsAt(link: LinkOnPage, f: StoredFinding): boolean {
  if (normalizeUrl(link.resolved) !== normalizeUrl(f.targetUrl!)) return false;
  const anchor = fragmentOf(f.targetUrl!);
  return !anchor || fragmentOf(link.resolved) === anchor;
}

const pagesOf = (fs: StoredFinding[]) => [...new Set(fs.map((f) => f.pageUrl))].sort();

describe("the demo site after a real crawl", () => {
  it("reports every planted defect of the manifest (100%), every page-level kind among them", () => {
    expect(site.manifest.planted.length).toBeGreaterThan(0);
    expect(missed.map((p) => `${p.kind}/${p.reason} ${p.targetUrl ?? ""} on ${p.pageUrl}: ${p.note}`)).toEqual([]);
    for (const kind of PAGE_KINDS) expect(site.manifest.planted.some((p) => p.kind === kind), `the manifest plants ${kind}`).toBe(true);
    expect(site.manifest.planted.filter((p) => p.note.startsWith("href form:")).length, "the manifest plants the href forms").toBeGreaterThanOrEqual(10);
  });

  it("marks every link finding of every page on the element it names, and nothing else", async () => {
    const linkFindings = shown.filter((f) => f.targetUrl);
    expect(linkFindings.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const pageUrl of pagesOf(linkFindings)) {
      const view = await viewOf(pageUrl);
      const here = linkFindings.filter((f) => f.pageUrl === pageUrl);
      for (const f of here) {
        const elements = view.links.filter((l) => pointsAt(l, f));
        if (!elements.length) problems.push(`no element on the page links to ${label(f)}`);
        else if (elements.some((l) => l.marked === null)) problems.push(`not marked: ${label(f)}`);
      }
      for (const l of view.links.filter((x) => x.marked !== null && !here.some((f) => pointsAt(x, f))))
        problems.push(`marked ${l.marked} without a finding: ${l.resolved} “${l.text}” on ${pageUrl}`);
    }
    expect(problems).toEqual([]);
  });

  it("marks every planted broken or wrong link with its kind, whatever form its href takes", async () => {
    const links = found.filter((f) => f.planted.targetUrl);
    expect(links.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const { planted, finding } of links) {
      const view = await viewOf(finding.pageUrl);
      const element = view.links.find((l) => l.text === planted.linkText && pointsAt(l, finding));
      if (!element) problems.push(`no link “${planted.linkText}” → ${planted.targetUrl} on ${planted.pageUrl} (${planted.note})`);
      else {
        // A link with findings of several kinds shows its worst one's kind (the tooltip lists them all).
        const kinds = new Set(shown.filter((f) => f.pageUrl === finding.pageUrl && f.targetUrl && pointsAt(element, f)).map((f) => f.kind));
        const ok = element.marked !== null && (kinds.size === 1 ? element.marked === planted.kind : kinds.has(element.marked));
        if (!ok) problems.push(`“${planted.linkText}” marked ${element.marked ?? "not at all"}, expected ${[...kinds].join(" or ")} (${planted.note})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("shows every page finding of every page in the banner, every page-level kind of the manifest among them", async () => {
    const pageFindings = shown.filter((f) => !f.targetUrl);
    const problems: string[] = [];
    const kindsShown = new Set<string>();
    for (const pageUrl of pagesOf(pageFindings)) {
      const view = await viewOf(pageUrl);
      for (const f of pageFindings.filter((x) => x.pageUrl === pageUrl)) {
        if (view.banner.some((b) => b.kind === f.kind && b.text.includes(f.message))) kindsShown.add(f.kind);
        else problems.push(`not in the banner: ${label(f)}: ${f.message}`);
      }
      for (const b of view.banner.filter((x) => OFFICE_ONLY.has(x.kind))) problems.push(`office-only ${b.kind} shown on ${pageUrl}`);
    }
    expect(problems).toEqual([]);
    for (const kind of PAGE_KINDS) expect(kindsShown.has(kind), `a ${kind} finding is shown in a banner`).toBe(true);
    for (const { planted, finding } of found.filter((f) => !f.planted.targetUrl && !OFFICE_ONLY.has(f.planted.kind))) {
      expect((await viewOf(finding.pageUrl)).banner.some((b) => b.kind === planted.kind && b.text.includes(finding.message)), planted.note).toBe(true);
    }
  });

  it("never shows a planted coverage gap (for the office) on its column's page", async () => {
    const office = found.filter((f) => OFFICE_ONLY.has(f.planted.kind));
    expect(office.length, "the manifest plants a coverage gap the crawl reports").toBeGreaterThan(0);
    for (const { planted, finding } of office) {
      const page = await context.newPage();
      const before = findingsRequests();
      await page.goto(finding.pageUrl);
      // The content script asked about the page; whatever else it shows, the coverage finding is not among it.
      await expect.poll(findingsRequests, { timeout: 10_000 }).toBeGreaterThan(before);
      await page.waitForTimeout(500);
      const text = (await page.locator("gongkai-overlay").allTextContents()).join(" ");
      expect(text, planted.note).not.toContain(finding.message);
      expect(await page.locator(`gongkai-overlay .item[data-kind="${planted.kind}"]`).count(), planted.note).toBe(0);
      await page.close();
    }
  });

  it("shows a stale guide and a stale column in the banner (screenshots)", async () => {
    for (const kind of ["stale-guide", "stale-column"]) {
      const { finding } = found.find((f) => f.planted.kind === kind)!;
      const page = await openAndSettle(finding.pageUrl);
      await page.locator(`gongkai-overlay .item[data-kind="${kind}"]`).first().waitFor();
      await page.screenshot({ path: screenshotPath(`demo-${kind}`) });
      await page.close();
    }
  });

  it("explains a broken link in its tooltip: link text, what is wrong, whose column, what to do", async () => {
    const { finding } = found.find((f) => f.planted.kind === "broken-link" && f.finding.linkText)!;
    const page = await openAndSettle(finding.pageUrl);
    const link = page.locator(`[data-gongkai-finding=broken-link]`, { hasText: finding.linkText! }).first();
    await link.scrollIntoViewIfNeeded();
    await link.hover();
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

  it("leaves a healthy page alone (after asking the server) and does nothing on the other website (127.0.0.2)", async () => {
    const withFindings = new Set((await store.findings()).map((f) => normalizeUrl(f.pageUrl)));
    const columnUrls = new Set((ConfigSchema.parse(site.config).columns ?? []).map((c) => normalizeUrl(c.url)));
    const healthy = site.manifest.healthyTargets.find(
      (u) => u.startsWith(site.baseUrl) && /\.s?html$/.test(u) && !withFindings.has(normalizeUrl(u)) && !columnUrls.has(normalizeUrl(u)),
    );
    expect(healthy).toBeTruthy();
    const page = await context.newPage();
    const before = findingsRequests();
    await page.goto(healthy!);
    // The content script did ask (a request reached the server), and found nothing to show.
    await expect.poll(findingsRequests, { timeout: 10_000 }).toBeGreaterThan(before);
    await page.waitForTimeout(500);
    expect(await page.locator("gongkai-overlay, gongkai-marker, [data-gongkai-finding]").count(), healthy).toBe(0);
    await page.close();

    const external = site.manifest.healthyTargets.find((u) => u.startsWith(site.externalBaseUrl)) ?? `${site.externalBaseUrl}/`;
    const other = await context.newPage();
    const beforeOther = findingsRequests();
    await other.goto(external);
    await other.waitForTimeout(2500); // a page of the monitored site is asked about well within this
    expect(findingsRequests(), "no request for another website's page").toBe(beforeOther);
    expect(await other.locator("gongkai-overlay, gongkai-marker, [data-gongkai-finding]").count(), external).toBe(0);
    await other.close();
  });

  it("acknowledges a planted broken link from the popup: the server records it and the mark goes away", async () => {
    const { finding } = found.find((f) => f.planted.kind === "broken-link" && f.finding.targetUrl && f.finding.linkText)!;
    const page = await openAndSettle(finding.pageUrl);
    const link = page.locator("a", { hasText: finding.linkText! }).first();
    expect(await link.getAttribute("data-gongkai-finding")).toBe("broken-link");
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html?url=${encodeURIComponent(finding.pageUrl)}`);
    await popup.locator(`.finding[data-finding-id="${finding.id}"] button[data-action=acknowledged]`).first().click();
    await expect.poll(async () => (await store.finding(finding.id))!.state).toBe("acknowledged");
    expect((await store.finding(finding.id))!.stateBy?.name).toBe(OFFICE.name);
    await expect.poll(() => link.getAttribute("data-gongkai-finding"), { timeout: 10_000 }).toBeNull();
    await popup.close();
    await page.close();
  });
});
