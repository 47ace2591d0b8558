// The service worker: the only part that talks to the findings server and the only one that reads the token.
// It answers the content script (its own page's findings only), the popup and the options page, caches answers
// per page, keeps the toolbar badge at the page's open-findings count, and relays state changes to open pages.
import { ApiClient, ApiError, cleanServerUrl, errorText, toErrorInfo, type PageFindingsResponse } from "./lib/api.js";
import { chromeTranslate as t } from "./lib/i18n.js";
import type { Push, Request, Settings } from "./lib/messages.js";
import { onMonitoredSite, originPattern, patternCoversOrigin } from "./lib/origins.js";
import { normalizeUrl } from "../shared/url.js";

const CACHE_MS = 60_000;
const CACHE_MAX = 200;
const DYNAMIC_SCRIPT_ID = "gongkai-site";
const ALL_STATES = ["open", "acknowledged", "false-positive"];

const cache = new Map<string, { at: number; data: PageFindingsResponse }>();

async function settings(): Promise<Settings> {
  return (await chrome.storage.local.get(["serverUrl", "token", "siteOrigins", "siteName", "user"])) as Settings;
}

async function client(): Promise<{ api: ApiClient; s: Settings }> {
  const s = await settings();
  if (!s.serverUrl || !s.token) throw new ApiError({ kind: "not-configured" });
  return { api: new ApiClient(s.serverUrl, s.token), s };
}

/** Extension pages (popup, options) may ask for anything; content scripts only for their own page. */
function fromExtensionPage(sender: chrome.runtime.MessageSender): boolean {
  return sender.id === chrome.runtime.id && !!sender.url && sender.url.startsWith(chrome.runtime.getURL(""));
}

async function setBadge(tabId: number | undefined, text: string, title: string) {
  if (tabId === undefined) return;
  try {
    await chrome.action.setBadgeBackgroundColor({ tabId, color: text === "!" ? "#8c8c8c" : "#d4380d" });
    await chrome.action.setBadgeText({ tabId, text });
    await chrome.action.setTitle({ tabId, title });
  } catch {
    // the tab went away
  }
}

async function pageFindings(url: string): Promise<PageFindingsResponse> {
  const key = normalizeUrl(url) ?? url;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.data;
  const { api } = await client();
  const data = await api.pageFindings(url);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, { at: Date.now(), data });
  return data;
}

async function handle(msg: Request, sender: chrome.runtime.MessageSender): Promise<unknown> {
  switch (msg.type) {
    case "content:findings": {
      // The page is the sender's own frame, never a URL the page could choose.
      if (!sender.tab || sender.frameId !== 0) return null;
      const url = sender.url ?? sender.tab.url;
      const { siteOrigins = [] } = await settings();
      if (!onMonitoredSite(url, siteOrigins)) return null;
      try {
        const data = await pageFindings(url!);
        const count = data.linkFindings.length + data.pageFindings.length;
        await setBadge(sender.tab.id, count ? String(count) : "", t("extName"));
        return data;
      } catch (e) {
        await setBadge(sender.tab.id, "!", t("badge_error", [errorText(t, toErrorInfo(e), chrome.runtime.id)]));
        throw e;
      }
    }
    case "popup:page": {
      if (!fromExtensionPage(sender)) throw new ApiError({ kind: "forbidden", message: "not an extension page" });
      const { siteOrigins = [] } = await settings();
      if (!onMonitoredSite(msg.url, siteOrigins)) return null;
      const { api } = await client();
      return api.pageFindings(msg.url, ALL_STATES);
    }
    case "popup:mine": {
      if (!fromExtensionPage(sender)) throw new ApiError({ kind: "forbidden", message: "not an extension page" });
      const { api } = await client();
      return api.mine(["open"]);
    }
    case "popup:set-state": {
      if (!fromExtensionPage(sender)) throw new ApiError({ kind: "forbidden", message: "not an extension page" });
      const { api } = await client();
      const result = await api.setState(msg.id, msg.state, msg.note);
      cache.clear();
      await broadcastRefresh();
      return result;
    }
    case "options:test": {
      if (!fromExtensionPage(sender)) throw new ApiError({ kind: "forbidden", message: "not an extension page" });
      const serverUrl = cleanServerUrl(msg.serverUrl);
      if (!serverUrl || !msg.token) throw new ApiError({ kind: "not-configured" });
      const me = await new ApiClient(serverUrl, msg.token).me();
      await chrome.storage.local.set({ siteOrigins: me.siteOrigins, siteName: me.site?.name, user: me.user } satisfies Settings);
      cache.clear();
      await syncContentScripts();
      return me;
    }
    case "options:saved": {
      if (!fromExtensionPage(sender)) throw new ApiError({ kind: "forbidden", message: "not an extension page" });
      cache.clear();
      return { origins: await syncContentScripts() };
    }
  }
}

/** Tell every open page to ask again (state changed). Pages without our content script just do not answer. */
async function broadcastRefresh() {
  const tabs = await chrome.tabs.query({});
  const push: Push = { type: "gongkai:refresh" };
  await Promise.all(tabs.map((tab) => (tab.id === undefined ? undefined : chrome.tabs.sendMessage(tab.id, push).catch(() => undefined))));
}

/**
 * Monitored origins not covered by the built-in content-script matches get the same script registered at run time,
 * once the user has granted them (options page). Returns every origin the extension runs on.
 */
async function syncContentScripts(): Promise<string[]> {
  const manifest = chrome.runtime.getManifest();
  const staticScripts = manifest.content_scripts ?? [];
  const staticMatches = staticScripts.flatMap((c) => c.matches ?? []);
  const file = staticScripts[0]?.js?.[0];
  const { siteOrigins = [] } = await settings();
  const running: string[] = [];
  const wanted: string[] = [];
  for (const origin of siteOrigins) {
    if (staticMatches.some((p) => patternCoversOrigin(p, origin))) {
      running.push(origin);
      continue;
    }
    if (await chrome.permissions.contains({ origins: [originPattern(origin)] })) {
      wanted.push(originPattern(origin));
      running.push(origin);
    }
  }
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [DYNAMIC_SCRIPT_ID] });
  if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [DYNAMIC_SCRIPT_ID] });
  if (wanted.length && file)
    await chrome.scripting.registerContentScripts([{ id: DYNAMIC_SCRIPT_ID, matches: wanted, js: [file], runAt: "document_idle", persistAcrossSessions: true }]);
  return running;
}

chrome.runtime.onMessage.addListener((msg: Request, sender, sendResponse) => {
  handle(msg, sender).then(
    (data) => sendResponse({ ok: true, data }),
    (e) => sendResponse({ ok: false, error: toErrorInfo(e) }),
  );
  return true; // answered asynchronously
});

chrome.storage.onChanged.addListener((changes) => {
  if (changes.serverUrl || changes.token) cache.clear();
});
chrome.permissions.onAdded.addListener(() => void syncContentScripts());
chrome.permissions.onRemoved.addListener(() => void syncContentScripts());
chrome.runtime.onInstalled.addListener(() => void syncContentScripts());

// Keep the token out of content scripts' reach where the browser allows restricting local storage.
try {
  (chrome.storage.local as unknown as { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> })
    .setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" })
    ?.catch(() => undefined);
} catch {
  // older browsers: our content script never reads storage anyway
}
