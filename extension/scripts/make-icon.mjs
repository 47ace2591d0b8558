// Draws the extension icon (assets/icon.png, 512×512; Plasmo resizes it) with the system Chromium: a red seal
// with 公. Run once: `node extension/scripts/make-icon.mjs`; the PNG is committed, so builds do not need it.
import { chromium } from "playwright";
import path from "node:path";
import { fileURLToPath } from "node:url";

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "assets", "icon.png");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:512px;height:512px;border-radius:96px;background:#c62828;display:flex;align-items:center;justify-content:center;
box-sizing:border-box;border:28px solid #8e0000">
<span style="font:bold 340px 'Noto Serif CJK SC','Noto Sans CJK SC',serif;color:#fff;line-height:1;margin-top:-20px">公</span></div>
</body></html>`);
await page.screenshot({ path: out, omitBackground: true });
await browser.close();
console.log(out);
