// The content script: runs only on the monitored site (these matches at build time — see scripts/build.mjs and
// PLASMO_PUBLIC_SITE_ORIGINS — or origins granted on the options page). It asks the background for this page's
// findings (it never sees the token or the server) and marks the page; nothing changes when there are none.
import type { PlasmoCSConfig } from "plasmo";
import { chromeTranslate } from "../lib/i18n.js";
import type { Replies } from "../lib/messages.js";
import { PageMarker } from "../lib/page-marker.js";

export const config: PlasmoCSConfig = {
  matches: ["http://127.0.0.1/*", "http://localhost/*"],
  run_at: "document_idle",
  all_frames: false,
};

const marker = new PageMarker(document, chromeTranslate);

async function refresh(): Promise<void> {
  let reply: Replies["content:findings"] | undefined;
  try {
    reply = await chrome.runtime.sendMessage({ type: "content:findings" });
  } catch {
    return; // the extension was reloaded or the worker is unavailable: leave the page alone
  }
  // Errors are shown on the toolbar badge, not in the site's page.
  if (!reply?.ok) return;
  marker.update(reply.data);
  if (marker.overlay.host.isConnected) marker.overlay.host.dataset.readyAt = performance.now().toFixed(1);
}

chrome.runtime.onMessage.addListener((msg: { type?: string }) => {
  if (msg?.type === "gongkai:refresh") void refresh();
});

void refresh();
