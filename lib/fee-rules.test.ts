import { describe, expect, it } from "vitest";
import { feeRuleFormFields, planFeeRule, type StoredFeeRule } from "./fee-rules";

const pos: StoredFeeRule = { id: 1, channel: "pos", rate: 60, rateUnit: "bp", rounding: "half_up", minFen: 1, maxFen: 5000, appliesTo: "transaction", toleranceFen: 0, effectiveFrom: "2026-01-01", effectiveTo: null };
const ended: StoredFeeRule = { ...pos, id: 2, channel: "alipay", effectiveTo: "2026-06-30" };
const channels = ["pos", "alipay", "wechat"];
const form = { channel: "pos", effective_from: "2027-01-01", rate: "55", rate_unit: "bp", rounding: "half_up", min: "0.01", max: "50", applies_to: "transaction", tolerance: "" };

describe("planFeeRule", () => {
  it.each([
    ["a new version closes the open-ended one the day before", {}, { ok: true, plan: { closes: { id: 1, effectiveTo: "2026-12-31" }, rule: { rate: 55, minFen: 1, maxFen: 5000, toleranceFen: 0, effectiveTo: null } } }],
    ["a first rule for a channel closes nothing", { channel: "wechat" }, { ok: true, plan: { closes: null } }],
    ["after an ended rule: nothing to close", { channel: "alipay", effective_from: "2026-07-01" }, { ok: true, plan: { closes: null } }],
    ["a gap after an ended rule is allowed", { channel: "alipay", effective_from: "2026-09-01", min: "", max: "", tolerance: "0.02" }, { ok: true, plan: { rule: { minFen: null, maxFen: null, toleranceFen: 2 } } }],
    ["per batch, per mille, rounding down", { rate: "6", rate_unit: "permille", rounding: "down", applies_to: "batch" }, { ok: true }],
    ["an unknown channel", { channel: "paypal" }, { ok: false, problem: "channel" }],
    ["not a date", { effective_from: "2027-02-30" }, { ok: false, problem: "effective_from" }],
    ["history is not rewritten: a start on the current version's", { effective_from: "2026-01-01" }, { ok: false, problem: "not_after_latest" }],
    ["nor before it", { effective_from: "2025-12-01" }, { ok: false, problem: "not_after_latest" }],
    ["an ended rule still in force on that day", { channel: "alipay", effective_from: "2026-06-30" }, { ok: false, problem: "overlap" }],
    ["a rate above 100 %", { rate: "10001" }, { ok: false, problem: "rate" }],
    ["a rate that is not a whole number", { rate: "0.6" }, { ok: false, problem: "rate" }],
    ["an empty rate", { rate: "" }, { ok: false, problem: "rate" }],
    ["an unknown unit", { rate_unit: "percent" }, { ok: false, problem: "unit" }],
    ["an unknown rounding", { rounding: "bankers" }, { ok: false, problem: "rounding" }],
    ["neither per transaction nor per batch", { applies_to: "day" }, { ok: false, problem: "applies_to" }],
    ["a maximum below the minimum", { min: "5", max: "1" }, { ok: false, problem: "bounds" }],
    ["a negative tolerance", { tolerance: "-0.01" }, { ok: false, problem: "amount" }],
    ["an amount with three decimals", { max: "1.005" }, { ok: false, problem: "amount" }],
  ])("%s", (_name, change, expected) => {
    expect(planFeeRule({ ...form, ...change }, [pos, ended], channels)).toMatchObject(expected);
  });

  it("reads back what feeRuleFormFields wrote", () => {
    const planned = planFeeRule({ ...form, tolerance: "0.03" }, [pos], channels);
    expect(planned.ok && planFeeRule(feeRuleFormFields(planned.plan.rule), [pos], channels)).toEqual(planned);
  });
});
