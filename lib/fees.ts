import type { IsoDate } from "./dates";

/**
 * Channel fee rules (issue 16): what an acquirer or payment channel deducts before it pays out.
 * Pure and integer-only: the fee of a gross amount is gross × rate / unit, rounded to the fen by the
 * rule's rounding, then held between the rule's minimum and maximum (and never above the gross).
 * The SQL function fee_fen (migration of this issue) computes exactly the same; a property test
 * compares the two.
 */

export const FEE_RATE_UNITS = ["bp", "permille"] as const;
export type FeeRateUnit = (typeof FEE_RATE_UNITS)[number];
export const FEE_ROUNDINGS = ["half_up", "down", "up", "half_even"] as const;
export type FeeRounding = (typeof FEE_ROUNDINGS)[number];
/** Whether the minimum and maximum hold for each transaction, or for a batch's total. */
export const FEE_APPLIES_TO = ["transaction", "batch"] as const;
export type FeeAppliesTo = (typeof FEE_APPLIES_TO)[number];

export type FeeRule = {
  channel: string;
  rate: number;
  rateUnit: FeeRateUnit;
  rounding: FeeRounding;
  minFen: number | null;
  maxFen: number | null;
  appliesTo: FeeAppliesTo;
  toleranceFen: number;
  effectiveFrom: IsoDate;
  /** Last day in force (inclusive); null: open-ended. */
  effectiveTo: IsoDate | null;
};

const DENOMINATOR: Record<FeeRateUnit, bigint> = { bp: 10_000n, permille: 1_000n };

/** n / d rounded to an integer by `rounding` (n ≥ 0, d > 0). */
export function roundRatio(n: bigint, d: bigint, rounding: FeeRounding): bigint {
  const q = n / d;
  const r = n % d;
  switch (rounding) {
    case "down":
      return q;
    case "up":
      return r === 0n ? q : q + 1n;
    case "half_up":
      return 2n * r >= d ? q + 1n : q;
    case "half_even":
      if (2n * r > d) return q + 1n;
      if (2n * r < d) return q;
      return q % 2n === 0n ? q : q + 1n;
  }
}

/** The fee on one gross amount (a transaction, or a batch's total under a per-batch rule). */
export function feeFor(grossFen: number, rule: Pick<FeeRule, "rate" | "rateUnit" | "rounding" | "minFen" | "maxFen">): number {
  if (!Number.isSafeInteger(grossFen) || grossFen <= 0) return 0;
  let fee = Number(roundRatio(BigInt(grossFen) * BigInt(rule.rate), DENOMINATOR[rule.rateUnit], rule.rounding));
  if (rule.maxFen !== null) fee = Math.min(fee, rule.maxFen);
  if (rule.minFen !== null) fee = Math.max(fee, rule.minFen);
  return Math.min(fee, grossFen);
}

/** A batch's fee: the sum of its transactions' fees, or the fee on its total under a per-batch rule. */
export function batchFee(grossesFen: readonly number[], rule: FeeRule): number {
  if (rule.appliesTo === "batch") return feeFor(grossesFen.reduce((s, g) => s + g, 0), rule);
  return grossesFen.reduce((s, g) => s + feeFor(g, rule), 0);
}

/** The rule of `channel` in force on `day`: the latest effective_from on or before it, not yet ended. */
export function ruleInForce<R extends Pick<FeeRule, "channel" | "effectiveFrom" | "effectiveTo">>(rules: readonly R[], channel: string, day: IsoDate): R | null {
  let best: R | null = null;
  for (const r of rules) {
    if (r.channel !== channel || r.effectiveFrom > day || (r.effectiveTo !== null && r.effectiveTo < day)) continue;
    if (!best || r.effectiveFrom > best.effectiveFrom) best = r;
  }
  return best;
}

export type FeeCheck = { kind: "exact" } | { kind: "net_of_fee"; feeFen: number } | { kind: "differs"; expectedNetFen: number; differenceFen: number };

/**
 * How a credit relates to a gross amount under a rule: equal to it, equal to gross − fee (within the
 * rule's tolerance), or different — with the difference from gross − fee (credit − expected net).
 */
export function checkCredit(creditFen: number, grossFen: number, rule: FeeRule | null, feeFen?: number): FeeCheck {
  if (creditFen === grossFen) return { kind: "exact" };
  if (!rule) return { kind: "differs", expectedNetFen: grossFen, differenceFen: creditFen - grossFen };
  const fee = feeFen ?? feeFor(grossFen, rule);
  const expectedNetFen = grossFen - fee;
  const differenceFen = creditFen - expectedNetFen;
  if (Math.abs(differenceFen) <= rule.toleranceFen) return { kind: "net_of_fee", feeFen: grossFen - creditFen };
  return { kind: "differs", expectedNetFen, differenceFen };
}

export type FeeRuleInput = {
  channel: string;
  rate: number;
  rateUnit: string;
  rounding: string;
  minFen: number | null;
  maxFen: number | null;
  appliesTo: string;
  toleranceFen: number;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate | null;
};

export type FeeRuleProblem = "rate" | "unit" | "rounding" | "applies_to" | "bounds" | "dates" | "overlap";

/** Checks a rule a finance clerk typed against the channel's other rules (no two in force on one day). */
export function validateFeeRule(input: FeeRuleInput, others: readonly Pick<FeeRule, "channel" | "effectiveFrom" | "effectiveTo">[]): FeeRuleProblem | null {
  if (!Number.isInteger(input.rate) || input.rate < 0 || input.rate > 10_000) return "rate";
  if (!(FEE_RATE_UNITS as readonly string[]).includes(input.rateUnit)) return "unit";
  if (!(FEE_ROUNDINGS as readonly string[]).includes(input.rounding)) return "rounding";
  if (!(FEE_APPLIES_TO as readonly string[]).includes(input.appliesTo)) return "applies_to";
  const fen = (v: number | null) => v === null || (Number.isSafeInteger(v) && v >= 0);
  if (!fen(input.minFen) || !fen(input.maxFen) || !fen(input.toleranceFen)) return "bounds";
  if (input.minFen !== null && input.maxFen !== null && input.maxFen < input.minFen) return "bounds";
  if (input.effectiveTo !== null && input.effectiveTo < input.effectiveFrom) return "dates";
  const end = (d: IsoDate | null) => d ?? "9999-12-31";
  for (const o of others) {
    if (o.channel !== input.channel) continue;
    if (o.effectiveFrom <= end(input.effectiveTo) && input.effectiveFrom <= end(o.effectiveTo)) return "overlap";
  }
  return null;
}
