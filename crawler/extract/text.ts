// Text out of the parsed tree: block-aware (cells and paragraphs do not run together), scripts and styles skipped.
import type { AnyNode, Element } from "domhandler";

/** Elements whose content is never visible text. */
export const INVISIBLE = new Set(["script", "style", "noscript", "template", "head", "title", "select", "option", "object", "iframe", "svg", "textarea"]);

/** Elements that start a new line of text. */
export const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details", "dialog", "div", "dl",
  "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
  "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
  "tr", "ul", "hgroup", "menu",
]);

/** Table cells: separated by a tab within their row, so a label cell and its value cell stay apart. */
export const CELL = new Set(["td", "th"]);

const WS = /[\s\u3000\u00a0\ufeff\u200b\u200c\u200d\u2028\u2029]+/g;

/** Collapse every run of whitespace (full-width and no-break spaces included) to one space, and trim. */
export function collapse(s: string): string {
  return s.replace(WS, " ").trim();
}

/** Remove all whitespace, full-width included. */
export function squeeze(s: string): string {
  return s.replace(WS, "");
}

function isElement(n: AnyNode): n is Element {
  return n.type === "tag" || n.type === "script" || n.type === "style";
}

/**
 * Depth-first walk without recursion: hostile pages nest thousands of elements deep. `enter` returns false to skip
 * a node's children, or "stop" to end the walk; `exit` runs after an element's children.
 */
export function walkTree(
  root: AnyNode,
  enter: (n: AnyNode) => boolean | "stop" | void,
  exit?: (el: Element) => void,
): void {
  const stack: { n: AnyNode; out: boolean }[] = [{ n: root, out: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (top.out) {
      exit?.(top.n as Element);
      continue;
    }
    const r = enter(top.n);
    if (r === "stop") return;
    if (r === false) continue;
    const children = (top.n as unknown as { children?: AnyNode[] }).children;
    if (!children) continue;
    if (exit && isElement(top.n)) stack.push({ n: top.n, out: true });
    for (let i = children.length - 1; i >= 0; i--) stack.push({ n: children[i], out: false });
  }
}

/** Visible text of a subtree; blocks and cells separated by a space. Not collapsed (callers collapse). */
export function textOf(node: AnyNode, maxChars = Infinity): string {
  const parts: string[] = [];
  let len = 0;
  walkTree(
    node,
    (n) => {
      if (n.type === "text") {
        const d = (n as unknown as { data: string }).data;
        parts.push(d);
        len += d.length;
        return len < maxChars ? undefined : "stop";
      }
      if (!isElement(n)) return n.type === "root" ? undefined : false;
      if (INVISIBLE.has(n.name)) return false;
      if (BLOCK.has(n.name) || CELL.has(n.name)) parts.push(" ");
      return undefined;
    },
    (el) => {
      if (BLOCK.has(el.name) || CELL.has(el.name)) parts.push(" ");
    },
  );
  return parts.join("");
}

/** Text of a list of nodes. */
export function textOfAll(nodes: AnyNode[], maxChars = Infinity): string {
  let s = "";
  for (const n of nodes) {
    s += textOf(n, maxChars - s.length);
    if (s.length >= maxChars) break;
  }
  return s;
}
