// The built-in list of instruments a service guide must no longer cite as in force (repealed) or must have been
// checked against since they changed (revised). Dates are the dates the change took effect. Sources: the field
// notes' table (the State Council's and SAMR's orders), plus a few well-known changes in market supervision.
// A site adds its own in the config's `laws`; an entry there with the same title replaces the built-in one.
import type { Config, Law } from "../../shared/schema.js";
import { lawKey } from "./lib/citations.js";

const MARKET_ENTITY_REGULATION = "中华人民共和国市场主体登记管理条例";
const MARKET_ENTITY_RULES = "中华人民共和国市场主体登记管理条例实施细则";

export const BUILTIN_LAWS: readonly Law[] = [
  // The field notes' table.
  { title: "中华人民共和国公司登记管理条例", status: "repealed", date: "2022-03-01", replacedBy: MARKET_ENTITY_REGULATION },
  { title: "中华人民共和国企业法人登记管理条例", status: "repealed", date: "2022-03-01", replacedBy: MARKET_ENTITY_REGULATION },
  { title: "中华人民共和国合伙企业登记管理办法", status: "repealed", date: "2022-03-01", replacedBy: MARKET_ENTITY_REGULATION },
  { title: "农民专业合作社登记管理条例", status: "repealed", date: "2022-03-01", replacedBy: MARKET_ENTITY_REGULATION },
  { title: "个体工商户条例", status: "repealed", date: "2022-11-01", replacedBy: "促进个体工商户发展条例" },
  { title: "食品经营许可管理办法", status: "repealed", date: "2023-12-01", replacedBy: "食品经营许可和备案管理办法" },
  { title: "药品流通监督管理办法", status: "repealed", date: "2024-01-01", replacedBy: "药品经营和使用质量监督管理办法" },
  { title: "中华人民共和国食品卫生法", status: "repealed", date: "2009-06-01", replacedBy: "中华人民共和国食品安全法" },
  { title: "中华人民共和国政府信息公开条例", status: "revised", date: "2019-05-15", replacedBy: "中华人民共和国政府信息公开条例（国务院令第711号）" },
  // Other registration rules folded into the 市场主体登记 regime on 2022-03-01 (SAMR order No. 52).
  { title: "中华人民共和国企业法人登记管理条例施行细则", status: "repealed", date: "2022-03-01", replacedBy: MARKET_ENTITY_RULES },
  { title: "个体工商户登记管理办法", status: "repealed", date: "2022-03-01", replacedBy: MARKET_ENTITY_RULES },
  { title: "个人独资企业登记管理办法", status: "repealed", date: "2022-03-01", replacedBy: MARKET_ENTITY_RULES },
  // Replaced by new instruments of a different title.
  { title: "药品经营许可证管理办法", status: "repealed", date: "2024-01-01", replacedBy: "药品经营和使用质量监督管理办法" },
  { title: "化妆品卫生监督条例", status: "repealed", date: "2021-01-01", replacedBy: "化妆品监督管理条例" },
  { title: "无照经营查处取缔办法", status: "repealed", date: "2017-10-01", replacedBy: "无证无照经营查处办法" },
  { title: "网络交易管理办法", status: "repealed", date: "2021-05-01", replacedBy: "网络交易监督管理办法" },
  // Revised in place (same title): a guide last updated before these dates was not checked against the new text.
  { title: "中华人民共和国公司法", status: "revised", date: "2024-07-01" },
  { title: "中华人民共和国行政处罚法", status: "revised", date: "2021-07-15" },
  { title: "中华人民共和国药品管理法", status: "revised", date: "2019-12-01" },
  { title: "中华人民共和国食品安全法实施条例", status: "revised", date: "2019-12-01" },
  { title: "医疗器械监督管理条例", status: "revised", date: "2021-06-01" },
  { title: "企业名称登记管理规定", status: "revised", date: "2021-03-01" },
];

/** The built-in list plus the config's `laws`; a config entry replaces a built-in one of the same title. */
export function allLaws(config: Pick<Config, "laws"> | undefined): Law[] {
  const byKey = new Map<string, Law>();
  for (const law of BUILTIN_LAWS) byKey.set(lawKey(law.title), law);
  for (const law of config?.laws ?? []) byKey.set(lawKey(law.title), law);
  return [...byKey.values()];
}
