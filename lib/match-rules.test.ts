import { describe, expect, it } from "vitest";
import { DEFAULT_MATCH_RULES, MAX_TOLERANCE_FEN, parseRuleForm, parseToleranceYuan, ruleFormFields, sameRules, toleranceYuan } from "./match-rules";

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

  it.each([
    ["five fen", "0.05", 5],
    ["one decimal", "1.5", 150],
    ["whole yuan", "2", 200],
    ["spaces around it", " 0.30 ", 30],
    ["empty: the same amount", "", 0],
    ["zero written out", "0.00", 0],
    ["the bound, 100.00 yuan", "100.00", MAX_TOLERANCE_FEN],
    ["negative", "-0.05", null],
    ["too many decimals", "0.005", null],
    ["over the bound", "100.01", null],
    ["far over the bound", "1000", null],
    ["letters", "abc", null],
    ["a unit written in", "0.05元", null],
    ["a decimal comma", "0,05", null],
    ["a bare point", ".", null],
    ["no digits before the point", ".5", null],
  ])("a tolerance of %s (%j) is %j fen", (_name, raw, fen) => {
    expect(parseToleranceYuan(raw)).toBe(fen);
    const parsed = parseRuleForm({ ...defaults, tolerance_amount_date: raw });
    if (fen === null) expect(parsed).toEqual({ ok: false, errors: [{ field: "tolerance_amount_date", code: "invalid_tolerance" }] });
    else expect(parsed.ok && parsed.rules.find((r) => r.method === "amount_date")?.toleranceFen).toBe(fen);
  });

  it.each([
    ["none", {}, []],
    ["the payer's account", { require_payer_account_amount_date: "on" }, ["payer_account"]],
    ["both", { require_remittance_amount_date: "on", require_payer_account_amount_date: "on" }, ["payer_account", "remittance"]],
    ["a box not ticked (any other value)", { require_remittance_amount_date: "off" }, []],
  ])("required line fields: %s", (_name, change, fields) => {
    const parsed = parseRuleForm({ ...defaults, ...change });
    expect(parsed.ok && parsed.rules.find((r) => r.method === "amount_date")?.requiredFields).toEqual(fields);
    // Only amount and date matching has them.
    expect(parsed.ok && parsed.rules.filter((r) => r.method !== "amount_date").map((r) => [r.toleranceFen, r.requiredFields])).toEqual([
      [0, []],
      [0, []],
    ]);
  });

  it("a bad tolerance is reported beside a bad window, each on its field, in the form's order", () => {
    expect(parseRuleForm({ ...defaults, tolerance_amount_date: "x", window_amount_date: "99" })).toEqual({
      ok: false,
      errors: [
        { field: "window_amount_date", code: "invalid_window" },
        { field: "tolerance_amount_date", code: "invalid_tolerance" },
      ],
    });
  });

  it.each([
    [0, ""],
    [5, "0.05"],
    [150, "1.50"],
    [MAX_TOLERANCE_FEN, "100.00"],
  ])("a tolerance of %i fen is written %j and read back", (fen, text) => {
    expect(toleranceYuan(fen)).toBe(text);
    expect(parseToleranceYuan(text)).toBe(fen);
  });

  it("reads back what ruleFormFields wrote, in position order", () => {
    const parsed = parseRuleForm({ ...defaults, position_amount_date: "1", position_reference: "3", window_amount_date: "2" });
    expect(parsed.ok && parsed.rules.map((r) => r.method)).toEqual(["amount_date", "remittance", "reference"]);
    expect(parsed.ok && parseRuleForm(ruleFormFields(parsed.rules))).toEqual(parsed);
  });

  it("reads back a tolerance and required fields that ruleFormFields wrote", () => {
    const parsed = parseRuleForm({ ...defaults, tolerance_amount_date: "0.5", require_remittance_amount_date: "on" });
    expect(parsed.ok && parsed.rules.find((r) => r.method === "amount_date")).toMatchObject({ toleranceFen: 50, requiredFields: ["remittance"] });
    expect(parsed.ok && ruleFormFields(parsed.rules)).toMatchObject({ tolerance_amount_date: "0.50", require_remittance_amount_date: "on" });
    expect(parsed.ok && parseRuleForm(ruleFormFields(parsed.rules))).toEqual(parsed);
  });

  it("the defaults are SPEC §2.2's fixed order", () => {
    const parsed = parseRuleForm(defaults);
    expect(parsed.ok && sameRules(parsed.rules, DEFAULT_MATCH_RULES)).toBe(true);
  });
});
