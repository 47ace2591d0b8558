// Marks the links of a page that have open findings: `data-gongkai-finding="<kind>"`, a visible outline, a marker
// after the element, a tooltip on hover or focus. One pass over the page with one Map lookup per link; links added
// later are marked from a MutationObserver, only the added subtrees being looked at.
import type { PageFindingsResponse } from "../../crawler/serve/api-types.js";
import { buildLinkIndex, findingsForLink, pageAnswerForExtension, primaryKind, type ApiFinding, type LinkIndex } from "./findings.js";
import type { Translate } from "./i18n.js";
import { MARKER_TAG, OVERLAY_TAG, Overlay } from "./overlay.js";

export const ATTR = "data-gongkai-finding";
/** Every element whose URL attribute can be a link the crawler checked. */
export const LINK_SELECTOR =
  "a[href],area[href],img[src],iframe[src],frame[src],embed[src],object[data],source[src],video[src],audio[src],link[href],script[src]";
/** Elements that take space on screen: these get an outline and a marker; the others only the attribute. */
const VISIBLE = new Set(["A", "IMG", "IFRAME", "EMBED", "OBJECT", "VIDEO", "AUDIO", "AREA"]);

const MARKER_STYLE = [
  "all: initial",
  "display: inline-block",
  "width: 16px",
  "height: 16px",
  "margin: 0 2px",
  "border-radius: 50%",
  "background: #d4380d",
  "color: #fff",
  "font: bold 12px/16px sans-serif",
  "text-align: center",
  "vertical-align: middle",
  "cursor: help",
  "visibility: visible",
  "opacity: 1",
]
  .map((d) => `${d} !important`)
  .join("; ");

/** The URL attribute of a link element as written (href, src, or data for <object>). */
export function rawTarget(e: Element): string | null {
  return e.getAttribute(e.tagName === "OBJECT" ? "data" : e.hasAttribute("href") ? "href" : "src");
}

const HREF_TAGS = new Set(["A", "AREA", "LINK"]);
const SRC_TAGS = new Set(["IMG", "IFRAME", "FRAME", "EMBED", "SOURCE", "VIDEO", "AUDIO", "SCRIPT"]);

/** The element's URL as the browser resolved it (a string property), or undefined (e.g. SVG links). */
function resolvedProperty(e: Element): string | undefined {
  const value = HREF_TAGS.has(e.tagName)
    ? (e as HTMLAnchorElement).href
    : SRC_TAGS.has(e.tagName)
      ? (e as HTMLImageElement).src
      : e.tagName === "OBJECT"
        ? (e as HTMLObjectElement).data
        : undefined;
  return typeof value === "string" ? value : undefined;
}

interface Mark {
  findings: ApiFinding[];
  marker?: HTMLElement;
  outline: [string, string];
  outlineOffset: [string, string];
}

export class PageMarker {
  private index: LinkIndex = new Map();
  private readonly marks = new Map<Element, Mark>();
  private readonly markerOwner = new WeakMap<Element, Element>();
  private observer?: MutationObserver;
  private listening = false;
  private data: PageFindingsResponse | null = null;
  /** Timings of the last full pass and the last batch of added nodes, in ms (for the benchmark). */
  lastPassMs = 0;
  lastBatchMs = 0;

  constructor(
    private readonly doc: Document,
    private readonly t: Translate,
    private readonly now: () => Date = () => new Date(),
    readonly overlay: Overlay = new Overlay(doc, t),
  ) {}

  /** Apply a (new) answer from the server: mark what has findings, unmark what no longer has. */
  update(answer: PageFindingsResponse | null): void {
    const started = performance.now();
    const data = answer && pageAnswerForExtension(answer);
    this.data = data;
    this.index = buildLinkIndex(data?.linkFindings ?? []);
    const hasAnything = !!data && (data.linkFindings.length > 0 || data.pageFindings.length > 0 || data.columnFindingsTotal > 0);
    if (!hasAnything) {
      // Nothing to show: leave the page exactly as it was.
      for (const e of [...this.marks.keys()]) this.unmark(e);
      this.overlay.remove();
      this.stop();
      return;
    }
    for (const [e, mark] of [...this.marks]) {
      const findings = this.lookup(e);
      if (!findings) this.unmark(e);
      else if (findings !== mark.findings) this.mark(e, findings);
    }
    if (this.index.size) this.scanAll();
    this.overlay.attach();
    this.overlay.renderBanner(data!, this.marks.size, this.now());
    this.listen();
    this.observe();
    this.lastPassMs = performance.now() - started;
    this.overlay.host.dataset.passMs = this.lastPassMs.toFixed(2);
  }

  get markedCount(): number {
    return this.marks.size;
  }

  private lookup(e: Element): ApiFinding[] | undefined {
    const raw = rawTarget(e);
    return raw === null ? undefined : findingsForLink(this.index, raw, this.doc.baseURI, resolvedProperty(e));
  }

  private scanAll(): void {
    for (const e of this.doc.querySelectorAll(LINK_SELECTOR)) this.consider(e);
  }

  private consider(e: Element): void {
    const findings = this.lookup(e);
    if (findings) this.mark(e, findings);
    else if (this.marks.has(e)) this.unmark(e);
  }

  private mark(e: Element, findings: ApiFinding[]): void {
    const existing = this.marks.get(e);
    e.setAttribute(ATTR, primaryKind(findings));
    if (existing) {
      existing.findings = findings;
      return;
    }
    const style = (e as HTMLElement).style;
    const mark: Mark = {
      findings,
      outline: [style?.getPropertyValue("outline") ?? "", style?.getPropertyPriority("outline") ?? ""],
      outlineOffset: [style?.getPropertyValue("outline-offset") ?? "", style?.getPropertyPriority("outline-offset") ?? ""],
    };
    if (VISIBLE.has(e.tagName) && style) {
      style.setProperty("outline", "3px solid #d4380d", "important");
      style.setProperty("outline-offset", "2px", "important");
      if (e.tagName !== "AREA") {
        const marker = this.doc.createElement(MARKER_TAG);
        marker.setAttribute("style", MARKER_STYLE);
        marker.setAttribute("aria-hidden", "true");
        marker.textContent = "!";
        e.after(marker);
        mark.marker = marker;
        this.markerOwner.set(marker, e);
      }
    }
    this.marks.set(e, mark);
  }

  private unmark(e: Element): void {
    const mark = this.marks.get(e);
    if (!mark) return;
    e.removeAttribute(ATTR);
    const style = (e as HTMLElement).style;
    if (style && VISIBLE.has(e.tagName)) {
      style.setProperty("outline", mark.outline[0], mark.outline[1]);
      style.setProperty("outline-offset", mark.outlineOffset[0], mark.outlineOffset[1]);
      if (!e.getAttribute("style")) e.removeAttribute("style");
    }
    mark.marker?.remove();
    this.marks.delete(e);
  }

  /** Marks links added (or re-pointed) later. Batched: one callback per task however many nodes changed. */
  private observe(): void {
    if (this.observer) return;
    this.observer = new MutationObserver((records) => {
      if (!this.index.size) return;
      const started = performance.now();
      let considered = 0;
      for (const r of records) {
        if (r.type === "attributes") {
          if ((r.target as Element).matches?.(LINK_SELECTOR)) {
            this.consider(r.target as Element);
            considered++;
          }
          continue;
        }
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1) continue;
          const e = n as Element;
          // Our own markers and overlay come back through here: skip them at once.
          if (e.tagName === "GONGKAI-MARKER" || e.tagName === "GONGKAI-OVERLAY") continue;
          if (e.matches(LINK_SELECTOR)) {
            this.consider(e);
            considered++;
          }
          if (e.firstElementChild)
            for (const c of e.querySelectorAll(LINK_SELECTOR)) {
              this.consider(c);
              considered++;
            }
        }
        for (const n of r.removedNodes) {
          if (n.nodeType === 1 && this.marks.has(n as Element) && !(n as Element).isConnected) this.forget(n as Element);
        }
      }
      if (!considered) return;
      this.lastBatchMs = performance.now() - started;
      this.overlay.host.dataset.marked = String(this.marks.size);
      this.overlay.host.dataset.batchMs = this.lastBatchMs.toFixed(2);
      this.overlay.host.dataset.batchLinks = String(considered);
    });
    this.observer.observe(this.doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["href", "src", "data"] });
  }

  /** A marked element the page removed: drop its marker too. */
  private forget(e: Element): void {
    this.marks.get(e)?.marker?.remove();
    this.marks.delete(e);
  }

  private readonly onEnter = (ev: Event) => {
    const target = ev.target as Element | null;
    if (!target || typeof target.closest !== "function") return;
    let owner: Element | null | undefined = target.closest(`[${ATTR}]`);
    if (!owner && target.tagName === MARKER_TAG.toUpperCase()) owner = this.markerOwner.get(target);
    const mark = owner ? this.marks.get(owner) : undefined;
    if (owner && mark) this.overlay.showTooltip(owner, mark.findings, this.now());
  };

  private readonly onLeave = (ev: Event) => {
    const target = ev.target as Element | null;
    if (!target || typeof target.closest !== "function") return;
    if (target.closest(`[${ATTR}]`) || target.tagName === MARKER_TAG.toUpperCase()) this.overlay.hideTooltip();
  };

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.doc.addEventListener("mouseover", this.onEnter, true);
    this.doc.addEventListener("focusin", this.onEnter, true);
    this.doc.addEventListener("mouseout", this.onLeave, true);
    this.doc.addEventListener("focusout", this.onLeave, true);
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    if (this.listening) {
      this.doc.removeEventListener("mouseover", this.onEnter, true);
      this.doc.removeEventListener("focusin", this.onEnter, true);
      this.doc.removeEventListener("mouseout", this.onLeave, true);
      this.doc.removeEventListener("focusout", this.onLeave, true);
      this.listening = false;
    }
  }
}

export { OVERLAY_TAG };
