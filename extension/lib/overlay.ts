// The overlay on a monitored page: one <gongkai-overlay> element with its own shadow root holding the banner (page
// and column findings), the tooltip and the reopen pill. Everything is built with createElement + textContent:
// crawled text (titles, link text, URLs) is never parsed as HTML, and only http(s) URLs become links.
// The host element's inline `!important` styles beat any site stylesheet; the shadow root keeps our styles in.
import type { PageFindingsResponse } from "../../crawler/serve/api-types.js";
import { describeFinding, kindLabel, safeHttpUrl, type ApiFinding, type FindingText } from "./findings.js";
import type { Translate } from "./i18n.js";

export const OVERLAY_TAG = "gongkai-overlay";
export const MARKER_TAG = "gongkai-marker";
const BANNER_COLUMN_ITEMS = 5;

const HOST_STYLE = [
  "all: initial",
  "position: fixed",
  "top: 0",
  "left: 0",
  "width: 0",
  "height: 0",
  "overflow: visible",
  "display: block",
  "visibility: visible",
  "opacity: 1",
  "z-index: 2147483647",
  "pointer-events: none",
  "transform: none",
  "filter: none",
]
  .map((d) => `${d} !important`)
  .join("; ");

const SHADOW_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.panel, .tip, .pill {
  font: 14px/1.6 system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: #1f1f1f; letter-spacing: normal; text-align: left; text-transform: none; word-break: break-word;
}
.panel {
  position: fixed; top: 12px; right: 12px; width: min(460px, calc(100vw - 24px)); max-height: 70vh; overflow: auto;
  background: #fffbe6; border: 2px solid #d4380d; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.25);
  padding: 10px 14px 12px; pointer-events: auto;
}
.panel[hidden], .pill[hidden], .tip[hidden] { display: none; }
.head { display: flex; align-items: center; gap: 8px; margin-bottom: 6px; }
.head h2 { flex: 1; margin: 0; font-size: 15px; font-weight: 700; color: #a8071a; }
.close {
  all: unset; cursor: pointer; font-size: 13px; padding: 2px 8px; border: 1px solid #d4380d; border-radius: 4px;
  color: #a8071a; background: #fff;
}
.close:focus-visible, .pill:focus-visible { outline: 2px solid #1677ff; outline-offset: 2px; }
.item { border-top: 1px solid #f0d9a8; padding: 6px 0; }
.item:first-of-type { border-top: 0; }
.kind { display: inline-block; font-size: 12px; font-weight: 700; color: #fff; background: #d4380d; border-radius: 3px; padding: 0 6px; margin-right: 6px; }
.kind.medium { background: #d48806; } .kind.low { background: #8c8c8c; }
.msg { font-weight: 600; }
.detail { font-size: 12.5px; color: #434343; }
.advice { font-size: 12.5px; color: #0958d9; }
.summary { font-size: 13px; color: #613400; margin: 4px 0; }
.column-list { margin: 2px 0 0; padding-left: 18px; font-size: 12.5px; }
a { color: #0958d9; }
.tip {
  position: fixed; max-width: min(420px, calc(100vw - 16px)); background: #262626; color: #fff; border-radius: 6px;
  padding: 8px 10px; font-size: 13px; box-shadow: 0 4px 16px rgba(0,0,0,.35); pointer-events: none;
}
.tip .entry + .entry { border-top: 1px solid #555; margin-top: 6px; padding-top: 6px; }
.tip .detail { color: #d9d9d9; } .tip .advice { color: #91caff; }
.pill {
  all: unset; position: fixed; bottom: 12px; right: 12px; cursor: pointer; pointer-events: auto;
  background: #d4380d; color: #fff; border-radius: 14px; padding: 4px 12px; font-size: 13px; box-shadow: 0 2px 8px rgba(0,0,0,.3);
}
`;

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** One finding as DOM: kind badge, message, details, advice. */
export function findingNode(doc: Document, t: Translate, text: FindingText, kind: string): HTMLElement {
  const box = el(doc, "div", "entry");
  const head = el(doc, "div");
  head.append(el(doc, "span", `kind ${text.severity}`, kindLabel(t, kind)), el(doc, "span", "msg", text.message));
  box.append(head);
  for (const line of [...text.details, ...text.meta]) box.append(el(doc, "div", "detail", line));
  if (text.stateNote) box.append(el(doc, "div", "detail", text.stateNote));
  box.append(el(doc, "div", "advice", text.advice));
  return box;
}

export class Overlay {
  readonly host: HTMLElement;
  readonly shadow: ShadowRoot;
  private readonly panel: HTMLElement;
  private readonly tip: HTMLElement;
  private readonly pill: HTMLButtonElement;
  private dismissed = false;

  constructor(
    private readonly doc: Document,
    private readonly t: Translate,
  ) {
    this.host = doc.createElement(OVERLAY_TAG);
    this.host.setAttribute("style", HOST_STYLE);
    // Open, so tests and assistive tools can read it; the page sees only findings, which it could see anyway.
    this.shadow = this.host.attachShadow({ mode: "open" });
    const style = el(doc, "style");
    style.textContent = SHADOW_CSS;
    this.panel = el(doc, "section", "panel");
    this.panel.setAttribute("role", "region");
    this.panel.hidden = true;
    this.tip = el(doc, "div", "tip");
    this.tip.setAttribute("role", "tooltip");
    this.tip.hidden = true;
    this.pill = el(doc, "button", "pill");
    this.pill.type = "button";
    this.pill.hidden = true;
    this.pill.addEventListener("click", () => {
      this.dismissed = false;
      this.panel.hidden = false;
      this.pill.hidden = true;
    });
    this.shadow.append(style, this.panel, this.tip, this.pill);
  }

  attach(): void {
    // A child of <html>, after <body>: outside the site's layout and its body-scoped styles.
    if (!this.host.isConnected) this.doc.documentElement.append(this.host);
  }

  remove(): void {
    this.host.remove();
  }

  /** The banner: page findings, the link summary, the column's other findings. Hidden again if it was dismissed. */
  renderBanner(data: PageFindingsResponse, markedLinks: number, now: Date): void {
    const { t, doc } = this;
    const total = data.pageFindings.length + data.linkFindings.length;
    this.panel.replaceChildren();
    this.panel.setAttribute("aria-label", t("banner_title", [total]));
    const head = el(doc, "div", "head");
    const title = el(doc, "h2", undefined, t("banner_title", [total]));
    const close = el(doc, "button", "close", t("banner_close"));
    close.type = "button";
    close.addEventListener("click", () => this.dismiss());
    head.append(title, close);
    this.panel.append(head);

    for (const f of data.pageFindings) {
      const item = el(doc, "div", "item");
      item.dataset.kind = f.kind;
      item.append(findingNode(doc, t, describeFinding(t, f, now), f.kind));
      this.panel.append(item);
    }
    if (data.linkFindings.length) {
      this.panel.append(el(doc, "p", "summary", t("banner_links", [data.linkFindings.length])));
    }
    if (data.columnFindingsTotal > 0) {
      this.panel.append(el(doc, "p", "summary", t("banner_column_more", [data.columnFindingsTotal])));
      const list = el(doc, "ul", "column-list");
      for (const f of data.columnFindings.slice(0, BANNER_COLUMN_ITEMS)) list.append(this.columnItem(f));
      if (data.columnFindingsTotal > BANNER_COLUMN_ITEMS)
        list.append(el(doc, "li", undefined, t("banner_more", [data.columnFindingsTotal - BANNER_COLUMN_ITEMS])));
      this.panel.append(list);
    }
    this.host.dataset.marked = String(markedLinks);
    this.pill.textContent = t("banner_reopen", [total + data.columnFindingsTotal]);
    this.panel.hidden = this.dismissed;
    this.pill.hidden = !this.dismissed;
  }

  private columnItem(f: ApiFinding): HTMLElement {
    const { doc, t } = this;
    const li = el(doc, "li");
    li.append(el(doc, "span", `kind ${f.severity}`, kindLabel(t, f.kind)), doc.createTextNode(`${f.linkText ? `“${f.linkText}” ` : ""}${f.message} `));
    const href = safeHttpUrl(f.pageUrl);
    if (href) {
      const a = el(doc, "a", undefined, f.pageTitle || href);
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      li.append(a);
    }
    return li;
  }

  dismiss(): void {
    this.dismissed = true;
    this.panel.hidden = true;
    this.pill.hidden = false;
  }

  /** Show the tooltip for a marked element's findings, next to it (below, or above when there is no room). */
  showTooltip(target: Element, findings: ApiFinding[], now: Date): void {
    const { doc, t } = this;
    this.tip.replaceChildren(...findings.map((f) => findingNode(doc, t, describeFinding(t, f, now), f.kind)));
    this.tip.hidden = false;
    const r = target.getBoundingClientRect();
    const view = doc.defaultView!;
    const tipBox = this.tip.getBoundingClientRect();
    const left = Math.max(8, Math.min(r.left, view.innerWidth - tipBox.width - 8));
    const below = r.bottom + 6;
    const top = below + tipBox.height > view.innerHeight && r.top - tipBox.height - 6 > 0 ? r.top - tipBox.height - 6 : below;
    this.tip.style.left = `${left}px`;
    this.tip.style.top = `${top}px`;
  }

  hideTooltip(): void {
    this.tip.hidden = true;
  }

  get tooltipElement(): HTMLElement {
    return this.tip;
  }
}
