import { addDays, isIsoDate, type IsoDate } from "./dates";
import { validateFeeRule, type FeeRule, type FeeRuleInput, type FeeRuleProblem } from "./fees";
import { parseYuan } from "./money";

/**
 * Fee rules as finance edits them (issue 16). A change is always a new version: a rule for a channel
 * from a day on. History is never edited in place: the new version must start after every version the
 * channel has, and the one in force until then (when it was open-ended) ends the day before.
 * Pure: parsing the console's form and planning the version; lib/fees.ts checks the rule itself.
 */

export type StoredFeeRule = FeeRule & { id: number };

/** What can be wrong with a proposed version: a field that does not parse, or validateFeeRule's problem. */
export const FEE_FORM_PROBLEMS = ["channel", "effective_from", "amount", "not_after_latest", "rate", "unit", "rounding", "applies_to", "bounds", "dates", "overlap"] as const;
export type FeeFormProblem = (typeof FEE_FORM_PROBLEMS)[number];
// Every problem validateFeeRule can give is one of the form's (and so has a message).
const _problems: readonly FeeFormProblem[] = [] as FeeRuleProblem[];
void _problems;

/** The version and what it does to the channel's history: the id of the open-ended rule it closes, if any. */
export type FeeRulePlan = { rule: FeeRuleInput; closes: { id: number; effectiveTo: IsoDate } | null };

export const FEE_FORM_FIELDS = ["channel", "effective_from", "rate", "rate_unit", "rounding", "min", "max", "applies_to", "tolerance"] as const;
export type FeeFormField = (typeof FEE_FORM_FIELDS)[number];

/** Optional yuan amounts (empty = none) as fen; undefined when it does not parse. */
function optionalYuan(raw: string | undefined): number | null | undefined {
  const v = (raw ?? "").trim();
  if (v === "") return null;
  const parsed = parseYuan(v);
  return parsed.ok ? parsed.fen : parsed.reason === "empty" ? null : undefined;
}

/**
 * The console form (`channel`, `effective_from`, `rate`, `rate_unit`, `rounding`, `min`, `max` and `tolerance`
 * in yuan, `applies_to`) as a new version of `channel`'s fee rule, checked against the channel's stored rules.
 */
export function planFeeRule(
  form: Partial<Record<FeeFormField, string | undefined>>,
  stored: readonly StoredFeeRule[],
  channels: readonly string[],
): { ok: true; plan: FeeRulePlan } | { ok: false; problem: FeeFormProblem } {
  const channel = (form.channel ?? "").trim();
  if (!channels.includes(channel)) return { ok: false, problem: "channel" };
  const effectiveFrom = (form.effective_from ?? "").trim();
  if (!isIsoDate(effectiveFrom)) return { ok: false, problem: "effective_from" };
  const rawRate = (form.rate ?? "").trim();
  const rate = /^\d{1,5}$/.test(rawRate) ? Number(rawRate) : NaN;
  const minFen = optionalYuan(form.min);
  const maxFen = optionalYuan(form.max);
  const tolerance = optionalYuan(form.tolerance);
  if (minFen === undefined || maxFen === undefined || tolerance === undefined) return { ok: false, problem: "amount" };
  const rule: FeeRuleInput = {
    channel,
    rate,
    rateUnit: (form.rate_unit ?? "").trim(),
    rounding: (form.rounding ?? "").trim(),
    minFen,
    maxFen,
    appliesTo: (form.applies_to ?? "").trim(),
    toleranceFen: tolerance ?? 0,
    effectiveFrom,
    effectiveTo: null,
  };
  const own = stored.filter((r) => r.channel === channel);
  if (own.some((r) => r.effectiveFrom >= effectiveFrom)) return { ok: false, problem: "not_after_latest" };
  const latest = own.reduce<StoredFeeRule | null>((best, r) => (!best || r.effectiveFrom > best.effectiveFrom ? r : best), null);
  const closes = latest && latest.effectiveTo === null ? { id: latest.id, effectiveTo: addDays(effectiveFrom, -1) } : null;
  const others = own.map((r) => (closes && r.id === closes.id ? { ...r, effectiveTo: closes.effectiveTo } : r));
  const problem = validateFeeRule(rule, others);
  if (problem) return { ok: false, problem };
  return { ok: true, plan: { rule, closes } };
}

/** The form fields of a version (the inverse of planFeeRule's reading), for the apply form's hidden fields. */
export function feeRuleFormFields(rule: FeeRuleInput): Record<FeeFormField, string> {
  const yuan = (fen: number | null) => (fen === null ? "" : (fen / 100).toFixed(2));
  return {
    channel: rule.channel,
    effective_from: rule.effectiveFrom,
    rate: String(rule.rate),
    rate_unit: rule.rateUnit,
    rounding: rule.rounding,
    min: yuan(rule.minFen),
    max: yuan(rule.maxFen),
    applies_to: rule.appliesTo,
    tolerance: yuan(rule.toleranceFen),
  };
}

