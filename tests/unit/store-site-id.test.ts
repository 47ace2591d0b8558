// site.id: what a config may name a site, and the id a site gets when it names none (the key of everything a
// store holds about it, so the rule must not drift: an old SQLite file's history is kept under the derived id).
import { expect, it } from "vitest";
import { defaultSiteId, parseConfigText, siteIdOf } from "../../shared/schema.js";

const config = (site: Record<string, unknown>) =>
  JSON.stringify({
    site: { name: "上海市嘉定区市场监督管理局", baseUrl: "https://www.jiading.gov.cn/scjgj/", ...site },
    columns: [{ id: "zcwj", name: "政策文件", url: "https://www.jiading.gov.cn/scjgj/zcwj/", type: "policy", maintainer: { department: "办公室", name: "张三" } }],
  });

it("derives the id from the host (www. dropped), the stated port and the path", () => {
  expect(defaultSiteId("http://127.0.0.1:8080/")).toBe("127-0-0-1-8080");
  expect(defaultSiteId("https://www.jiading.gov.cn/scjgj/")).toBe("jiading-gov-cn-scjgj");
  expect(defaultSiteId("https://SCJGJ.Jiading.gov.cn")).toBe("scjgj-jiading-gov-cn");
  // A default port is not stated by the URL (the URL parser drops it): the same site either way.
  expect(defaultSiteId("https://www.jiading.gov.cn:443/")).toBe(defaultSiteId("https://www.jiading.gov.cn/"));
  // Two sites on one host under different paths are two ids.
  expect(defaultSiteId("http://www.sh.gov.cn/jd/")).not.toBe(defaultSiteId("http://www.sh.gov.cn/bs/"));
  expect(defaultSiteId(`http://x.gov.cn/${"a".repeat(100)}/`)).toHaveLength(64);
});

it("a config's site.id is used as given; without one the derived id", () => {
  const named = parseConfigText(config({ id: "jd-scjgj_2" }));
  expect(named.ok && siteIdOf(named.value.site)).toBe("jd-scjgj_2");
  const unnamed = parseConfigText(config({}));
  expect(unnamed.ok && siteIdOf(unnamed.value.site)).toBe("jiading-gov-cn-scjgj");
});

it("refuses an id with other characters, naming the field, Chinese first", () => {
  for (const bad of ["Jiading", "嘉定", "jd scjgj", "", "a".repeat(65)]) {
    const r = parseConfigText(config({ id: bad }));
    expect(r.ok, bad).toBe(false);
    if (!r.ok) expect(r.errors.join("\n")).toMatch(/^site\.id: 站点编号只能由小写字母、数字、_ 和 - 组成.*site\.id may hold only a-z, 0-9, _ and -/m);
  }
});
