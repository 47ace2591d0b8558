// Shared by the server and extension tests: a real SQLite store filled through the Store API with findings that
// point at the pages a test serves, and a snapshot of everything a request could have changed.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withIds } from "../../crawler/findings.js";
import { openStore } from "../../crawler/store/index.js";
import type { Store } from "../../crawler/store/types.js";
import type { FindingDraft } from "../../shared/schema.js";

export const DEPT_OFFICE = "办公室";
export const DEPT_LAW = "法规科";
export const DEPT_REG = "登记注册科";

export const TOKENS = {
  office: { token: "office-token-0123456789", name: "王主任", department: DEPT_OFFICE, role: "office" as const },
  officeMaintainer: { token: "office-maint-0123456789", name: "张三", department: DEPT_OFFICE, role: "maintainer" as const },
  law: { token: "law-maint-0123456789ab", name: "李四", department: DEPT_LAW, role: "maintainer" as const },
  reg: { token: "reg-maint-0123456789ab", name: "赵六", department: DEPT_REG, role: "maintainer" as const },
};

export const maintainers = {
  [DEPT_OFFICE]: { department: DEPT_OFFICE, name: "张三", email: "zhangsan@example.invalid" },
  [DEPT_LAW]: { department: DEPT_LAW, name: "李四", email: "lisi@example.invalid" },
  [DEPT_REG]: { department: DEPT_REG, name: "赵六", email: "zhaoliu@example.invalid" },
};

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `gongkai-${prefix}-`));
}

/** A new database file holding one complete run with `drafts`. Returns the open store and the file. */
export async function seedStore(
  drafts: FindingDraft[],
  opts: { dir?: string; site?: { name: string; baseUrl: string }; pageTitles?: Record<string, string>; columnNames?: Record<string, string> } = {},
): Promise<{ store: Store; file: string; ids: string[] }> {
  const dir = opts.dir ?? tempDir("store");
  const file = path.join(dir, "gongkai.sqlite");
  const store = await openStore(file);
  const site = opts.site ?? { name: "上海市嘉定区市场监督管理局", baseUrl: "http://127.0.0.1:9/" };
  const run = await store.beginRun(site, new Date(Date.now() - 60_000).toISOString());
  const withId = withIds(drafts);
  await store.finishRun(run.id, {
    complete: true,
    finishedAt: new Date().toISOString(),
    stats: { pagesCrawled: 10, linksChecked: 50, requests: 60 },
    findings: withId,
    pageTitles: opts.pageTitles,
    columnNames: opts.columnNames,
  });
  return { store, file, ids: withId.map((f) => f.id) };
}

/** Everything about the findings a request could change: states, who set them, histories. */
export async function snapshot(store: Store): Promise<string> {
  const all = await store.findings();
  return JSON.stringify(await Promise.all(all.map(async (f) => ({ id: f.id, state: f.state, stateBy: f.stateBy, history: await store.history(f.id) }))));
}
