#!/usr/bin/env node
// Before the tests: the system packages they need (Debian's Chromium for the extension and report tests, its
// Chinese UI locale, CJK fonts for screenshots). Installs them with apt when running as root on Debian; otherwise
// says exactly what to install. Browser downloads are never used: Playwright drives /usr/bin/chromium.
import { execSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const missing = [];
if (!existsSync("/usr/bin/chromium")) missing.push("chromium");
if (!existsSync("/usr/lib/chromium/locales/zh-CN.pak")) missing.push("chromium-l10n");
const fonts = spawnSync("fc-list", [":lang=zh"], { encoding: "utf8" });
if (fonts.status !== 0 || !/Noto Sans CJK|Noto Serif CJK/i.test(fonts.stdout)) missing.push("fonts-noto-cjk");

if (missing.length === 0) process.exit(0);
const cmd = `apt-get install -y ${missing.join(" ")}`;
if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  console.log(`安装测试所需的系统软件包 installing system packages the tests need: ${missing.join(", ")}`);
  execSync("apt-get update -qq", { stdio: "inherit" });
  execSync(`DEBIAN_FRONTEND=noninteractive ${cmd} -qq`, { stdio: "inherit", shell: "/bin/bash" });
} else {
  console.error(`测试需要这些系统软件包 the tests need these system packages: ${missing.join(", ")}\n  sudo ${cmd}`);
  process.exit(1);
}
