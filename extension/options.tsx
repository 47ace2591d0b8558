// Options page: the server URL (#server-url), the token (#token), save (#save) with a connection test that says
// what is wrong, and the permission to run on the monitored site when the build does not already include it.
import { useEffect, useState } from "react";
import { cleanServerUrl, errorText, type MeResponse } from "./lib/api.js";
import { chromeTranslate as t } from "./lib/i18n.js";
import { send, type Settings } from "./lib/messages.js";
import { originPattern, patternCoversOrigin } from "./lib/origins.js";

const CSS = `
body { margin: 0; background: #f5f5f5; font: 14px/1.6 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1f1f1f; }
main { max-width: 640px; margin: 32px auto; background: #fff; border-radius: 8px; padding: 20px 28px 28px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { font-size: 20px; color: #a8071a; margin: 0 0 8px; }
label { display: block; font-weight: 600; margin: 14px 0 4px; }
input { width: 100%; box-sizing: border-box; font: inherit; padding: 6px 8px; border: 1px solid #bfbfbf; border-radius: 4px; }
button { font: inherit; margin-top: 16px; padding: 6px 16px; border: 0; border-radius: 4px; background: #c62828; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #c62828; border: 1px solid #c62828; margin-right: 8px; }
.status { margin-top: 14px; padding: 8px 10px; border-radius: 4px; }
.status.ok { background: #f6ffed; border: 1px solid #b7eb8f; }
.status.error { background: #fff1f0; border: 1px solid #ffa39e; }
.status.busy { background: #e6f4ff; border: 1px solid #91caff; }
.muted { color: #595959; font-size: 13px; }
`;

type Status = { kind: "ok" | "error" | "busy"; text: string } | null;

const staticMatches = () => (chrome.runtime.getManifest().content_scripts ?? []).flatMap((c) => c.matches ?? []);

/** Monitored origins the extension may not run on yet: not in the built-in matches, not granted. */
async function originsNeedingGrant(origins: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const o of origins) {
    if (staticMatches().some((p) => patternCoversOrigin(p, o))) continue;
    if (!(await chrome.permissions.contains({ origins: [originPattern(o)] }))) out.push(o);
  }
  return out;
}

function Options() {
  const [serverUrl, setServerUrl] = useState("");
  const [token, setToken] = useState("");
  const [status, setStatus] = useState<Status>(null);
  const [needGrant, setNeedGrant] = useState<string[]>([]);
  const [running, setRunning] = useState<string[]>([]);

  useEffect(() => {
    document.documentElement.lang = chrome.i18n.getUILanguage();
    document.title = t("options_title");
    void chrome.storage.local.get(["serverUrl", "token", "siteOrigins"]).then(async (s: Settings) => {
      setServerUrl(s.serverUrl ?? "");
      setToken(s.token ?? "");
      if (s.siteOrigins) setNeedGrant(await originsNeedingGrant(s.siteOrigins));
    });
  }, []);

  const requestGrant = (origins: string[]) =>
    chrome.permissions.request({ origins: origins.map(originPattern) }).catch(() => false);

  const afterGrant = async (origins: string[]) => {
    setNeedGrant(await originsNeedingGrant(origins));
    const saved = await send({ type: "options:saved" });
    if (saved.ok) setRunning(saved.data.origins);
  };

  const save = async () => {
    // Asked first, while the click still counts as the user's gesture: origins known from an earlier test. Not
    // awaited: the browser's prompt stays open until the user answers.
    if (needGrant.length) void requestGrant(needGrant).then(() => afterGrant([...needGrant]));
    const url = cleanServerUrl(serverUrl);
    if (!url) return setStatus({ kind: "error", text: t("options_err_url") });
    const tok = token.trim();
    if (!tok) return setStatus({ kind: "error", text: t("options_err_token") });
    await chrome.storage.local.set({ serverUrl: url, token: tok } satisfies Settings);
    setServerUrl(url);
    setStatus({ kind: "busy", text: t("options_testing") });
    const reply = await send({ type: "options:test", serverUrl: url, token: tok });
    if (!reply.ok) {
      setStatus({ kind: "error", text: errorText(t, { ...reply.error, serverUrl: url }, chrome.runtime.id) });
      return;
    }
    const me: MeResponse = reply.data;
    const site = me.site ? `${me.site.name} ${me.site.baseUrl}` : t("options_no_site");
    setStatus({ kind: "ok", text: t("options_ok", [me.user.name, me.user.department, site]) });
    const missing = await originsNeedingGrant(me.siteOrigins);
    setNeedGrant(missing);
    // Ask at once if the browser still counts this as the click's gesture; otherwise the #grant button asks.
    if (missing.length) void requestGrant(missing).then(() => afterGrant(me.siteOrigins));
    await afterGrant(me.siteOrigins);
  };

  return (
    <main>
      <style>{CSS}</style>
      <h1>{t("options_title")}</h1>
      <p className="muted">{t("options_intro")}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}>
        <label htmlFor="server-url">{t("options_server_url")}</label>
        <input
          id="server-url"
          type="text"
          inputMode="url"
          placeholder="http://127.0.0.1:8787"
          value={serverUrl}
          onChange={(e) => setServerUrl(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <label htmlFor="token">{t("options_token")}</label>
        <input id="token" type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" spellCheck={false} />
        <button id="save" type="submit">
          {t("options_save")}
        </button>
      </form>
      {status && (
        <p id="status" role="status" className={`status ${status.kind}`} data-status={status.kind}>
          {status.text}
        </p>
      )}
      {needGrant.length > 0 && (
        <div id="grant-box">
          <p>{t("options_need_grant")}</p>
          {needGrant.map((o) => (
            <button
              key={o}
              id="grant"
              className="secondary"
              type="button"
              onClick={() => void requestGrant([o]).then(() => afterGrant(needGrant))}>
              {t("options_grant", [o])}
            </button>
          ))}
        </div>
      )}
      {running.length > 0 && (
        <p id="running" className="muted">
          {t("options_granted", [running.join("、")])}
        </p>
      )}
    </main>
  );
}

export default Options;
