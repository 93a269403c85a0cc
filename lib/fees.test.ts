import { describe, expect, it } from "vitest";
import { batchFee, checkCredit, feeFor, roundRatio, ruleInForce, validateFeeRule, type FeeRule } from "./fees";

const rule = (over: Partial<FeeRule> = {}): FeeRule => ({
  channel: "pos",
  rate: 60,
  rateUnit: "bp",
  rounding: "half_up",
  minFen: null,
  maxFen: null,
  appliesTo: "transaction",
  toleranceFen: 0,
  effectiveFrom: "2026-01-01",
  effectiveTo: null,
  ...over,
});

describe("roundRatio", () => {
  // n / d with d = 10: x.0, x.4, x.5 (even and odd quotient), x.6
  it.each([
    [20n, "half_up", 2n], [24n, "half_up", 2n], [25n, "half_up", 3n], [35n, "half_up", 4n], [26n, "half_up", 3n],
    [20n, "down", 2n], [24n, "down", 2n], [25n, "down", 2n], [35n, "down", 3n], [29n, "down", 2n],
    [20n, "up", 2n], [21n, "up", 3n], [25n, "up", 3n], [35n, "up", 4n], [29n, "up", 3n],
    [20n, "half_even", 2n], [24n, "half_even", 2n], [25n, "half_even", 2n], [35n, "half_even", 4n], [26n, "half_even", 3n],
    [0n, "up", 0n], [0n, "half_up", 0n],
  ] as const)("%s / 10 %s → %s", (n, rounding, q) => {
    expect(roundRatio(n, 10n, rounding)).toBe(q);
  });
});

describe("feeFor", () => {
  it.each([
    // 0.6 % of ¥100.00 is ¥0.60: every rounding agrees on an exact fee
    ["0.6 % exact", 10000, rule(), 60],
    ["0.6 % exact, down", 10000, rule({ rounding: "down" }), 60],
    // 0.6 % of ¥1.25 = 0.75 fen
    ["half up 0.75", 125, rule(), 1],
    ["down 0.75", 125, rule({ rounding: "down" }), 0],
    ["up 0.75", 125, rule({ rounding: "up" }), 1],
    ["banker's 0.75", 125, rule({ rounding: "half_even" }), 1],
    // 0.6 % of ¥0.75 = 0.45 fen; of ¥2.50 = 1.5 fen; of ¥4.17 = 2.502 fen; of ¥4.25 = 2.55 fen
    ["half up 0.45", 75, rule(), 0],
    ["up 0.45", 75, rule({ rounding: "up" }), 1],
    ["half up 1.5", 250, rule(), 2],
    ["banker's 1.5 (to even 2)", 250, rule({ rounding: "half_even" }), 2],
    ["half up 2.5 per mille", 417, rule({ rate: 6, rateUnit: "permille" }), 3],
    ["down 2.502", 417, rule({ rounding: "down" }), 2],
    ["up 2.502", 417, rule({ rounding: "up" }), 3],
    ["banker's 2.55", 425, rule({ rounding: "half_even" }), 3],
    // exactly half with an even and an odd quotient: 0.5 % of 500 fen = 2.5; of 700 fen = 3.5
    ["half up 2.5", 500, rule({ rate: 50 }), 3],
    ["banker's 2.5", 500, rule({ rate: 50, rounding: "half_even" }), 2],
    ["banker's 3.5", 700, rule({ rate: 50, rounding: "half_even" }), 4],
    ["down 3.5", 700, rule({ rate: 50, rounding: "down" }), 3],
    // per mille: 6 ‰ of ¥100.00
    ["6 per mille", 10000, rule({ rate: 6, rateUnit: "permille" }), 60],
    ["3.8 per mille is 38 bp", 12345, rule({ rate: 38 }), 47],
    // minimum and maximum per transaction (POS: min ¥0.01, max ¥50)
    ["minimum ¥0.01", 50, rule({ minFen: 1, maxFen: 5000, rounding: "down" }), 1],
    ["maximum ¥50", 10_000_000, rule({ minFen: 1, maxFen: 5000 }), 5000],
    ["below the maximum", 800_000, rule({ minFen: 1, maxFen: 5000 }), 4800],
    ["never above the gross", 1, rule({ minFen: 10 }), 1],
    ["zero rate, no minimum", 10000, rule({ rate: 0 }), 0],
    ["nothing on zero", 0, rule({ minFen: 1 }), 0],
  ])("%s: %i fen → fee %i", (_name, gross, r, fee) => {
    expect(feeFor(gross, r)).toBe(fee);
  });
});

describe("batchFee", () => {
  it("per transaction: the sum of each transaction's fee, each held to its bounds", () => {
    expect(batchFee([125, 125, 10_000_000], rule({ maxFen: 5000 }))).toBe(1 + 1 + 5000);
  });
  it("per batch: the fee on the total, rounded once and held to the batch bounds", () => {
    expect(batchFee([125, 125], rule({ appliesTo: "batch" }))).toBe(2); // 0.6 % of 250 = 1.5 → 2
    expect(batchFee([125, 125], rule({ appliesTo: "batch", rounding: "down" }))).toBe(1);
    expect(batchFee([10_000_000, 10_000_000], rule({ appliesTo: "batch", maxFen: 5000 }))).toBe(5000);
    expect(batchFee([100], rule({ appliesTo: "batch", minFen: 50 }))).toBe(50);
  });
});

describe("ruleInForce", () => {
  const rules = [
    rule({ effectiveFrom: "2025-01-01", effectiveTo: "2025-12-31", rate: 50 }),
    rule({ effectiveFrom: "2026-01-01", rate: 60 }),
    rule({ channel: "wechat", effectiveFrom: "2026-06-01", effectiveTo: "2026-06-30", rate: 20 }),
  ];
  it.each([
    ["pos", "2024-12-31", null],
    ["pos", "2025-01-01", 50],
    ["pos", "2025-12-31", 50],
    ["pos", "2026-01-01", 60],
    ["pos", "2030-05-05", 60],
    ["wechat", "2026-05-31", null],
    ["wechat", "2026-06-30", 20],
    ["wechat", "2026-07-01", null],
    ["alipay", "2026-06-15", null],
  ])("%s on %s → rate %s", (channel, day, rate) => {
    expect(ruleInForce(rules, channel, day)?.rate ?? null).toBe(rate);
  });
});

describe("checkCredit", () => {
  it.each([
    ["gross credited", 10000, 10000, rule(), { kind: "exact" }],
    ["gross − fee", 9940, 10000, rule(), { kind: "net_of_fee", feeFen: 60 }],
    ["one fen short of gross − fee", 9939, 10000, rule(), { kind: "differs", expectedNetFen: 9940, differenceFen: -1 }],
    ["within a tolerance of 1 fen", 9939, 10000, rule({ toleranceFen: 1 }), { kind: "net_of_fee", feeFen: 61 }],
    ["no rule: only gross", 9940, 10000, null, { kind: "differs", expectedNetFen: 10000, differenceFen: -60 }],
    ["a batch's summed fee", 19880, 20000, rule(), { kind: "net_of_fee", feeFen: 120 }],
  ] as const)("%s", (_name, credit, gross, r, expected) => {
    expect(checkCredit(credit, gross, r, _name === "a batch's summed fee" ? 120 : undefined)).toEqual(expected);
  });
});

describe("validateFeeRule", () => {
  const input = { channel: "pos", rate: 60, rateUnit: "bp", rounding: "half_up", minFen: 1, maxFen: 5000, appliesTo: "transaction", toleranceFen: 0, effectiveFrom: "2027-01-01", effectiveTo: null };
  const existing = [rule({ effectiveFrom: "2026-01-01", effectiveTo: "2026-12-31" })];
  it.each([
    ["valid after the last rule ends", input, null],
    ["rate above 100 %", { ...input, rate: 10_001 }, "rate"],
    ["fractional rate", { ...input, rate: 0.5 }, "rate"],
    ["unknown unit", { ...input, rateUnit: "percent" }, "unit"],
    ["unknown rounding", { ...input, rounding: "nearest" }, "rounding"],
    ["unknown scope", { ...input, appliesTo: "month" }, "applies_to"],
    ["maximum below minimum", { ...input, minFen: 100, maxFen: 10 }, "bounds"],
    ["negative tolerance", { ...input, toleranceFen: -1 }, "bounds"],
    ["ends before it starts", { ...input, effectiveTo: "2026-12-31" }, "dates"],
    ["overlaps the rule in force", { ...input, effectiveFrom: "2026-12-31" }, "overlap"],
    ["another channel may overlap", { ...input, channel: "wechat", effectiveFrom: "2026-06-01" }, null],
  ] as const)("%s", (_name, value, problem) => {
    expect(validateFeeRule(value, existing)).toBe(problem);
  });
});
