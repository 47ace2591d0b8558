// `npm run build:extension`: the Plasmo production build, then the monitored site's origins written into the
// manifest. PLASMO_PUBLIC_SITE_ORIGINS (comma-separated, e.g. "https://www.jiading.gov.cn,https://scjgj.jiading.gov.cn")
// decides where the content script runs; without it, the loopback demo site (127.0.0.1 and localhost, any port).
// Other origins can also be granted later from the options page (optional_host_permissions).
// Last, the finished folder (manifest included, as patched) is zipped to build/gongkai-extension-<version>.zip, the
// file to hand to maintainers or an administrator (docs/extension.md says how each browser installs it).
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";
import { applySitePatterns, sitePatterns } from "./site-origins.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const plasmoBin = path.join(path.dirname(require.resolve("plasmo/package.json")), "bin", "index.mjs");

const origins = process.env.PLASMO_PUBLIC_SITE_ORIGINS;
let patterns;
try {
  patterns = origins ? sitePatterns(origins) : undefined;
} catch (e) {
  console.error(e.message);
  process.exit(2);
}

const result = spawnSync(process.execPath, [plasmoBin, "build", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
if (result.status !== 0) process.exit(result.status ?? 1);

const buildDir = path.join(root, "build", "chrome-mv3-prod");
const manifestFile = path.join(buildDir, "manifest.json");
const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
if (patterns) writeFileSync(manifestFile, JSON.stringify(applySitePatterns(manifest, patterns)));
const matches = (manifest.content_scripts ?? []).flatMap((c) => c.matches);

// The zip: every file of the build folder at the zip's root (manifest.json on top, as browsers and stores expect).
const files = {};
for (const entry of readdirSync(buildDir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const file = path.join(entry.parentPath ?? entry.path, entry.name);
  files[path.relative(buildDir, file).split(path.sep).join("/")] = [readFileSync(file), { mtime: new Date("2026-01-01T00:00:00Z") }];
}
const zipFile = path.join(root, "build", `gongkai-extension-${manifest.version}.zip`);
for (const old of readdirSync(path.join(root, "build"))) if (/^gongkai-extension-.*\.zip$/.test(old)) rmSync(path.join(root, "build", old));
writeFileSync(zipFile, zipSync(files, { level: 9 }));
console.log(`gongkai extension: ${buildDir}\n  zip: ${zipFile}\n  content script runs on: ${matches.join(" ")}`);
