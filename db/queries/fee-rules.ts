import "server-only";
import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { planFeeRule, type FeeFormField, type FeeFormProblem, type FeeRulePlan, type StoredFeeRule } from "@/lib/fee-rules";
import type { FeeAppliesTo, FeeRateUnit, FeeRounding } from "@/lib/fees";
import { db, queryRows, type Executor, type Tx } from "../client";
import { SETTLEMENT_IMPORT_LOCK_KEY } from "../import/settlements";
import { recordAudit, staffActor } from "./audit";
import { mayEditMatchRules, rematch, withRollback, type RuleChangeDiff } from "./match-rules";
import type { StaffPrincipal } from "./staff-auth";

/**
 * The fee rule editor (issue 16): the same people as the match rules (finance, supervisors, admins) list
 * each channel's fee rules and add a new version (lib/fee-rules.ts plans it). A version is first run dry:
 * in a transaction that is rolled back it is stored, the rule-made matches are dropped and matching runs
 * again (its fee and batch steps read the rule in force), and the matches are diffed, fees included.
 * Applying does the same and commits, audited as `fee_rules.apply`.
 */

export const mayEditFeeRules = mayEditMatchRules;

export type FeeRuleView = { channels: string[]; rules: StoredFeeRule[] };

export async function feeRulesFor(staff: StaffPrincipal, tx: Executor = db()): Promise<FeeRuleView> {
  if (!mayEditFeeRules(staff)) throw new AppError("forbidden");
  return loadFeeRules(tx);
}

async function loadFeeRules(tx: Executor): Promise<FeeRuleView> {
  const channels = await queryRows<{ code: string }>(tx, sql`select code from channels order by code`);
  const rows = await queryRows<{
    id: number;
    channel: string;
    rate: number;
    rate_unit: FeeRateUnit;
    rounding: FeeRounding;
    min_fen: number | null;
    max_fen: number | null;
    applies_to: FeeAppliesTo;
    tolerance_fen: number;
    effective_from: string;
    effective_to: string | null;
  }>(
    tx,
    sql`select id, channel, rate, rate_unit, rounding, min_fen, max_fen, applies_to, tolerance_fen,
               to_char(effective_from, 'YYYY-MM-DD') as effective_from, to_char(effective_to, 'YYYY-MM-DD') as effective_to
        from fee_rules order by channel, effective_from`,
  );
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    channels: channels.map((c) => c.code),
    rules: rows.map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      rate: Number(r.rate),
      rateUnit: r.rate_unit,
      rounding: r.rounding,
      minFen: num(r.min_fen),
      maxFen: num(r.max_fen),
      appliesTo: r.applies_to,
      toleranceFen: Number(r.tolerance_fen),
      effectiveFrom: r.effective_from,
      effectiveTo: r.effective_to,
    })),
  };
}

/** Stores a planned version: the open-ended rule it follows ends the day before (the caller audits). */
async function storeFeeRule(tx: Tx, plan: FeeRulePlan, actor: string): Promise<void> {
  if (plan.closes) {
    await tx.execute(sql`update fee_rules set effective_to = ${plan.closes.effectiveTo}::date where id = ${plan.closes.id} and effective_to is null`);
  }
  const r = plan.rule;
  await tx.execute(sql`
    insert into fee_rules (channel, rate, rate_unit, rounding, min_fen, max_fen, applies_to, tolerance_fen, effective_from, effective_to, created_by)
    values (${r.channel}, ${r.rate}, ${r.rateUnit}, ${r.rounding}, ${r.minFen}, ${r.maxFen}, ${r.appliesTo}, ${r.toleranceFen}, ${r.effectiveFrom}::date, null, ${actor})`);
}

export type FeeForm = Partial<Record<FeeFormField, string | undefined>>;
export type FeeRuleOutcome = { ok: true; plan: FeeRulePlan; diff: RuleChangeDiff } | { ok: false; problem: FeeFormProblem };

/**
 * Plans the version against the rules as they are inside the transaction (imports and other editors wait
 * on the same lock), so what is stored is what was checked.
 */
async function planned(tx: Tx, form: FeeForm): Promise<ReturnType<typeof planFeeRule>> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SETTLEMENT_IMPORT_LOCK_KEY}::bigint)`);
  const { channels, rules } = await loadFeeRules(tx);
  return planFeeRule(form, rules, channels);
}

/** What the version would do to the matches, with nothing changed (or why it cannot be stored). */
export async function dryRunFeeRule(staff: StaffPrincipal, form: FeeForm, options: { timeZone: string }, executor: Executor = db()): Promise<FeeRuleOutcome> {
  if (!mayEditFeeRules(staff)) throw new AppError("forbidden");
  return withRollback(executor, async (tx): Promise<FeeRuleOutcome> => {
    const p = await planned(tx, form);
    if (!p.ok) return p;
    return { ok: true, plan: p.plan, diff: await rematch(tx, (t) => storeFeeRule(t, p.plan, staffActor(staff.id)), options.timeZone) };
  });
}

/** Stores the version and re-matches, in one audited transaction; returns what changed. */
export async function applyFeeRule(staff: StaffPrincipal, form: FeeForm, options: { timeZone: string }, executor: Executor = db()): Promise<FeeRuleOutcome> {
  if (!mayEditFeeRules(staff)) throw new AppError("forbidden");
  return executor.transaction(async (tx): Promise<FeeRuleOutcome> => {
    const p = await planned(tx, form);
    if (!p.ok) return p;
    const plan = p.plan;
    const diff = await rematch(tx, (t) => storeFeeRule(t, plan, staffActor(staff.id)), options.timeZone);
    const r = plan.rule;
    await recordAudit(tx, {
      actor: staffActor(staff.id),
      action: "fee_rules.apply",
      objectType: "fee_rules",
      objectId: r.channel,
      outcome: "ok",
      detail: {
        rule: `${r.channel}:from=${r.effectiveFrom}:rate=${r.rate}${r.rateUnit}:${r.rounding}:min=${r.minFen ?? "-"}:max=${r.maxFen ?? "-"}:${r.appliesTo}:tol=${r.toleranceFen}`,
        closes: plan.closes ? `${plan.closes.id}:to=${plan.closes.effectiveTo}` : null,
        appear: diff.appear,
        disappear: diff.disappear,
        change: diff.change,
        exceptionsBefore: diff.exceptionsBefore,
        exceptionsAfter: diff.exceptionsAfter,
      },
    });
    return { ok: true, plan, diff };
  });
}
