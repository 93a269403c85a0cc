import { describe, expect, it } from "vitest";
import { DEFAULT_MATCH_RULES, parseRuleForm, ruleFormFields, sameRules } from "./match-rules";

const defaults = ruleFormFields(DEFAULT_MATCH_RULES);

describe("parseRuleForm", () => {
  it.each([
    ["the defaults", {}, { ok: true }],
    ["amount and date first, a 3-day window, any channel", { position_amount_date: "1", position_reference: "2", position_remittance: "3", window_amount_date: "3", channel_amount_date: undefined }, { ok: true }],
    ["a method switched off", { enabled_remittance: undefined }, { ok: true }],
    ["a position out of range", { position_reference: "4" }, { ok: false, errors: [{ field: "position_reference", code: "invalid_position" }] }],
    ["a position that is not a number", { position_reference: "一" }, { ok: false, errors: [{ field: "position_reference", code: "invalid_position" }] }],
    ["two methods in one position", { position_remittance: "1" }, { ok: false, errors: [{ field: "position_reference", code: "duplicate_position" }, { field: "position_remittance", code: "duplicate_position" }] }],
    ["a window past 31 days", { window_amount_date: "45" }, { ok: false, errors: [{ field: "window_amount_date", code: "invalid_window" }] }],
    ["a negative window", { window_amount_date: "-1" }, { ok: false, errors: [{ field: "window_amount_date", code: "invalid_window" }] }],
  ])("%s", (_name, change, expected) => {
    expect(parseRuleForm({ ...defaults, ...change })).toMatchObject(expected);
  });

  it("reads back what ruleFormFields wrote, in position order", () => {
    const parsed = parseRuleForm({ ...defaults, position_amount_date: "1", position_reference: "3", window_amount_date: "2" });
    expect(parsed.ok && parsed.rules.map((r) => r.method)).toEqual(["amount_date", "remittance", "reference"]);
    expect(parsed.ok && parseRuleForm(ruleFormFields(parsed.rules))).toEqual(parsed);
  });

  it("the defaults are SPEC §2.2's fixed order", () => {
    const parsed = parseRuleForm(defaults);
    expect(parsed.ok && sameRules(parsed.rules, DEFAULT_MATCH_RULES)).toBe(true);
  });
});
