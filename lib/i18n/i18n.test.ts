import { describe, expect, it } from "vitest";
import { messages, negotiateLocale } from ".";

describe("negotiateLocale", () => {
  it.each([
    [undefined, null, "zh-CN"],
    [undefined, "en-US,en;q=0.9", "en"],
    [undefined, "en-GB", "en"],
    [undefined, "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    [undefined, "zh-TW", "zh-CN"],
    [undefined, "fr-FR,de;q=0.8", "zh-CN"],
    [undefined, "fr-FR,en;q=0.5", "en"],
    [undefined, "garbage;;;q=x", "zh-CN"],
    ["en", "zh-CN", "en"],
    ["zh-CN", "en-US", "zh-CN"],
    ["xx", "en-US", "en"],
  ])("cookie %s, Accept-Language %s → %s", (cookie, header, locale) => {
    expect(negotiateLocale(cookie, header)).toBe(locale);
  });
});

describe("catalogues", () => {
  const shape = (value: unknown): unknown =>
    typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)])) : typeof value;
  it("en has every key zh-CN has", () => {
    expect(shape(messages("en"))).toEqual(shape(messages("zh-CN")));
  });
});
