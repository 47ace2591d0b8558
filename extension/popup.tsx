// The popup: the current page's findings and the department's open findings, each with 确认 / 误报 / 重新打开.
// Actions go through the background to the server; the background then tells open pages to refresh their marks.
// Opened as a tab (popup.html?url=PAGE) it shows that page's findings: used where a real popup cannot be opened.
import { useCallback, useEffect, useState } from "react";
import { errorText, type ApiErrorInfo, type MineResponse, type PageFindingsResponse, type SettableState } from "./lib/api.js";
import { describeFinding, kindLabel, safeHttpUrl, stateLabel, type ApiFinding } from "./lib/findings.js";
import { chromeTranslate as t } from "./lib/i18n.js";
import { send, type Settings } from "./lib/messages.js";

const MINE_SHOWN = 50;

const CSS = `
body { margin: 0; width: 440px; max-height: 590px; font: 13px/1.55 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1f1f1f; }
header { background: #c62828; color: #fff; padding: 8px 12px; display: flex; justify-content: space-between; align-items: baseline; }
header h1 { font-size: 15px; margin: 0; }
section { padding: 4px 12px 8px; }
h2 { font-size: 14px; margin: 8px 0 4px; color: #a8071a; }
.finding { border: 1px solid #f0d9a8; background: #fffbe6; border-radius: 6px; padding: 6px 8px; margin: 6px 0; }
.finding.done { background: #f6f6f6; border-color: #d9d9d9; }
.kind { display: inline-block; font-size: 12px; font-weight: 700; color: #fff; background: #d4380d; border-radius: 3px; padding: 0 6px; margin-right: 6px; }
.kind.medium { background: #d48806; } .kind.low { background: #8c8c8c; }
.state { font-size: 12px; color: #595959; margin-left: 4px; }
.msg { font-weight: 600; }
.detail { color: #434343; font-size: 12px; }
.advice { color: #0958d9; font-size: 12px; }
.actions { display: flex; gap: 6px; margin-top: 4px; align-items: center; }
.actions input { flex: 1; font: inherit; font-size: 12px; padding: 2px 6px; border: 1px solid #d9d9d9; border-radius: 4px; }
button { font: inherit; font-size: 12px; padding: 2px 10px; border-radius: 4px; border: 1px solid #c62828; background: #fff; color: #c62828; cursor: pointer; }
button.primary { background: #c62828; color: #fff; }
header button.settings { border-color: #fff; background: transparent; color: #fff; margin-left: 6px; }
.notice { color: #595959; }
.error { color: #a8071a; }
#status { padding: 4px 12px; color: #237804; }
a { color: #0958d9; }
`;

type Load<T> = { state: "loading" } | { state: "ok"; data: T } | { state: "error"; error: ApiErrorInfo };

function FindingCard({ f, withPage, onAction }: { f: ApiFinding; withPage?: boolean; onAction: (f: ApiFinding, s: SettableState, note: string) => void }) {
  const [note, setNote] = useState("");
  const text = describeFinding(t, f, new Date(), { withPage });
  const isOpen = (f.state ?? "open") === "open";
  const href = withPage ? safeHttpUrl(f.pageUrl) : undefined;
  return (
    <div className={`finding ${isOpen ? "" : "done"}`} data-finding-id={f.id} data-kind={f.kind} data-state={f.state ?? "open"}>
      <div>
        <span className={`kind ${f.severity}`}>{kindLabel(t, f.kind)}</span>
        <span className="msg">{f.message}</span>
        <span className="state">[{stateLabel(t, f.state)}]</span>
      </div>
      {text.details.map((d, i) => (
        <div className="detail" key={i}>
          {d}
        </div>
      ))}
      <div className="detail">{text.meta.join(" · ")}</div>
      {text.stateNote && <div className="detail">{text.stateNote}</div>}
      <div className="advice">{text.advice}</div>
      {href && (
        <div className="detail">
          <a href={href} target="_blank" rel="noopener noreferrer">
            {t("popup_open_page")}
          </a>
        </div>
      )}
      <div className="actions">
        <input placeholder={t("popup_note_placeholder")} value={note} onChange={(e) => setNote(e.target.value)} aria-label={t("popup_note_placeholder")} />
        {isOpen ? (
          <>
            <button className="primary" data-action="acknowledged" onClick={() => onAction(f, "acknowledged", note)}>
              {t("action_ack")}
            </button>
            <button data-action="false-positive" onClick={() => onAction(f, "false-positive", note)}>
              {t("action_fp")}
            </button>
          </>
        ) : (
          <button data-action="open" onClick={() => onAction(f, "open", note)}>
            {t("action_reopen")}
          </button>
        )}
      </div>
    </div>
  );
}

async function targetPageUrl(): Promise<string | undefined> {
  const param = new URLSearchParams(location.search).get("url");
  if (param) return param;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.url;
}

function Popup() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [pageUrl, setPageUrl] = useState<string | undefined>();
  const [page, setPage] = useState<Load<PageFindingsResponse | null>>({ state: "loading" });
  const [mine, setMine] = useState<Load<MineResponse>>({ state: "loading" });
  const [status, setStatus] = useState("");

  const load = useCallback(async (url: string | undefined) => {
    const [p, m] = await Promise.all([url ? send({ type: "popup:page", url }) : Promise.resolve({ ok: true as const, data: null }), send({ type: "popup:mine" })]);
    setPage(p.ok ? { state: "ok", data: p.data } : { state: "error", error: p.error });
    setMine(m.ok ? { state: "ok", data: m.data } : { state: "error", error: m.error });
  }, []);

  useEffect(() => {
    document.documentElement.lang = chrome.i18n.getUILanguage();
    document.title = t("extName");
    void (async () => {
      const s = (await chrome.storage.local.get(["serverUrl", "token", "user"])) as Settings;
      setSettings(s);
      if (!s.serverUrl || !s.token) return;
      const url = await targetPageUrl();
      setPageUrl(url);
      await load(url);
    })();
  }, [load]);

  const act = async (f: ApiFinding, state: SettableState, note: string) => {
    const reply = await send({ type: "popup:set-state", id: f.id, state, note: note.trim() || undefined });
    if (!reply.ok) return setStatus(errorText(t, reply.error, chrome.runtime.id));
    setStatus(t("popup_updated", [`${kindLabel(t, f.kind)} → ${stateLabel(t, state)}`]));
    await load(pageUrl);
  };

  if (settings && (!settings.serverUrl || !settings.token))
    return (
      <>
        <style>{CSS}</style>
        <header>
          <h1>{t("extName")}</h1>
        </header>
        <section>
          <p className="notice">{t("popup_not_configured")}</p>
          <button className="primary" onClick={() => chrome.runtime.openOptionsPage()}>
            {t("popup_open_options")}
          </button>
        </section>
      </>
    );

  const pageList = page.state === "ok" && page.data ? [...page.data.pageFindings, ...page.data.linkFindings] : [];
  return (
    <>
      <style>{CSS}</style>
      <header>
        <h1>{t("extName")}</h1>
        <span>
          {settings?.user && t("popup_user", [settings.user.name, settings.user.department])}{" "}
          <button className="settings" onClick={() => chrome.runtime.openOptionsPage()} title={t("popup_open_options")}>
            {t("popup_open_options")}
          </button>
        </span>
      </header>
      {status && (
        <div id="status" role="status">
          {status}
        </div>
      )}
      <section id="page-findings">
        <h2>
          {t("popup_page_title")} {page.state === "ok" && page.data ? `(${pageList.length})` : ""}
        </h2>
        {page.state === "loading" && <p className="notice">{t("popup_loading")}</p>}
        {page.state === "error" && <p className="error">{errorText(t, page.error, chrome.runtime.id)}</p>}
        {page.state === "ok" && !page.data && <p className="notice">{t("popup_not_site")}</p>}
        {page.state === "ok" && page.data && pageList.length === 0 && <p className="notice">{t("popup_none")}</p>}
        {pageList.map((f) => (
          <FindingCard key={f.id} f={f} onAction={act} />
        ))}
      </section>
      <section id="mine-findings">
        <h2>
          {mine.state === "ok" && mine.data.scope === "all" ? t("popup_all_title") : t("popup_mine_title")}{" "}
          {mine.state === "ok" ? `(${mine.data.total})` : ""}
        </h2>
        {mine.state === "loading" && <p className="notice">{t("popup_loading")}</p>}
        {mine.state === "error" && <p className="error">{errorText(t, mine.error, chrome.runtime.id)}</p>}
        {mine.state === "ok" && mine.data.total === 0 && <p className="notice">{t("popup_none")}</p>}
        {mine.state === "ok" &&
          mine.data.findings.slice(0, MINE_SHOWN).map((f) => <FindingCard key={f.id} f={f} withPage onAction={act} />)}
        {mine.state === "ok" && mine.data.total > MINE_SHOWN && <p className="notice">{t("popup_more", [mine.data.total - MINE_SHOWN])}</p>}
      </section>
    </>
  );
}

export default Popup;
