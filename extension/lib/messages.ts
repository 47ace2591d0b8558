// Messages between the extension's parts. Only the background talks to the server; the content script asks for its
// own page's findings and nothing else; the popup and options page (extension pages) may ask for more.
import type { ApiErrorInfo, MeResponse, MineResponse, PageFindingsResponse, SetStateResponse, SettableState } from "./api.js";

export type Request =
  /** content script → background: findings for the sender's own page (the URL comes from the sender, not the message). */
  | { type: "content:findings" }
  /** extension pages → background */
  | { type: "popup:page"; url: string }
  | { type: "popup:mine" }
  | { type: "popup:set-state"; id: string; state: SettableState; note?: string }
  | { type: "options:test"; serverUrl: string; token: string }
  | { type: "options:saved" };

/** background → content script: findings changed (a state was set): ask again. */
export type Push = { type: "gongkai:refresh" };

export type Reply<T> = { ok: true; data: T } | { ok: false; error: ApiErrorInfo };

export type ContentFindings = PageFindingsResponse | null; // null: not a page of the monitored site
export type Replies = {
  "content:findings": Reply<ContentFindings>;
  "popup:page": Reply<ContentFindings>;
  "popup:mine": Reply<MineResponse>;
  "popup:set-state": Reply<SetStateResponse>;
  "options:test": Reply<MeResponse>;
  "options:saved": Reply<{ origins: string[] }>;
};

export interface Settings {
  serverUrl?: string;
  token?: string;
  /** From the server's /api/me at the last successful test: where the extension should run. */
  siteOrigins?: string[];
  siteName?: string;
  user?: MeResponse["user"];
}

export function send<T extends Request>(msg: T): Promise<Replies[T["type"]]> {
  return chrome.runtime.sendMessage(msg) as Promise<Replies[T["type"]]>;
}
