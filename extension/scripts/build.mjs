// `npm run build:extension`: the Plasmo production build, then the monitored site's origins written into the
// manifest. PLASMO_PUBLIC_SITE_ORIGINS (comma-separated, e.g. "https://www.jiading.gov.cn,https://scjgj.jiading.gov.cn")
// decides where the content script runs; without it, the loopback demo site (127.0.0.1 and localhost, any port).
// Other origins can also be granted later from the options page (optional_host_permissions).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const plasmoBin = path.join(path.dirname(require.resolve("plasmo/package.json")), "bin", "index.mjs");

/** "https://a.gov.cn, http://127.0.0.1:8080/" → ["https://a.gov.cn/*", "http://127.0.0.1:8080/*"]; exits 2 on a bad one. */
export function sitePatterns(value) {
  const out = [];
  for (const part of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    let u;
    try {
      u = new URL(part);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:") || (u.pathname !== "/" && u.pathname !== "")) {
      console.error(`PLASMO_PUBLIC_SITE_ORIGINS: "${part}" 不是站点来源 is not an origin (expected e.g. https://www.example.gov.cn)`);
      process.exit(2);
    }
    out.push(`${u.origin}/*`);
  }
  return out;
}

const origins = process.env.PLASMO_PUBLIC_SITE_ORIGINS;
const patterns = origins ? sitePatterns(origins) : undefined;

const result = spawnSync(process.execPath, [plasmoBin, "build", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
if (result.status !== 0) process.exit(result.status ?? 1);

const buildDir = path.join(root, "build", "chrome-mv3-prod");
const manifestFile = path.join(buildDir, "manifest.json");
const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
if (patterns) {
  for (const cs of manifest.content_scripts ?? []) cs.matches = patterns;
  // The content script's origins plus loopback (a findings server on this machine); other servers answer via CORS.
  manifest.host_permissions = [...new Set([...patterns, "http://127.0.0.1/*", "http://localhost/*"])];
  writeFileSync(manifestFile, JSON.stringify(manifest));
}
const matches = (manifest.content_scripts ?? []).flatMap((c) => c.matches);
console.log(`gongkai extension: ${buildDir}\n  content script runs on: ${matches.join(" ")}`);
