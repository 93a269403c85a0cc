import { describe, expect, it } from "vitest";
import { helpContact } from "./help-contact";
import { messages } from "./i18n";

const base = { HELP_HOTLINE: "12345", HELP_HOURS_ZH: undefined, HELP_HOURS_EN: undefined, HELP_COUNTERS_ZH: undefined, HELP_COUNTERS_EN: undefined };

describe("helpContact", () => {
  it.each([
    ["zh-CN", base, { hotline: "12345", hours: messages("zh-CN").resident.help.defaultHours, counters: [] }],
    ["en", base, { hotline: "12345", hours: messages("en").resident.help.defaultHours, counters: [] }],
    [
      "zh-CN",
      { ...base, HELP_HOTLINE: "010-12345678", HELP_HOURS_ZH: "周一至周六 8:30–17:30", HELP_COUNTERS_ZH: "人民路 100 号 3 号窗口 | 建设路 8 号 12 号窗口|" },
      { hotline: "010-12345678", hours: "周一至周六 8:30–17:30", counters: ["人民路 100 号 3 号窗口", "建设路 8 号 12 号窗口"] },
    ],
    ["en", { ...base, HELP_HOURS_ZH: "周一至周六", HELP_COUNTERS_ZH: "人民路" }, { hotline: "12345", hours: messages("en").resident.help.defaultHours, counters: [] }],
    ["en", { ...base, HELP_HOURS_EN: "  ", HELP_COUNTERS_EN: "100 Renmin Road" }, { hotline: "12345", hours: messages("en").resident.help.defaultHours, counters: ["100 Renmin Road"] }],
  ] as const)("%s %o", (locale, config, expected) => {
    expect(helpContact(config, locale, messages(locale))).toEqual(expected);
  });
});
