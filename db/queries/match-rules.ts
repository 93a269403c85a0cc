import "server-only";
import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { MatchRule } from "@/lib/match-rules";
import { db, queryRows, type Executor, type Tx } from "../client";
import { loadMatchRules, storeMatchRules } from "../import/match-rules";
import { matchSettlements } from "../import/matching";
import { SETTLEMENT_IMPORT_LOCK_KEY } from "../import/settlements";
import { UNACCOUNTED } from "../import/match-reversals";
import { recordAudit, staffActor } from "./audit";
import type { StaffPrincipal } from "./staff-auth";

/**
 * The match rules console (issue 16): finance (an agent of the finance queue), supervisors and admins
 * read and change the rules. A change is first run dry: inside a transaction that is rolled back, the
 * proposed rules are stored, every match the rules made (never a clerk's manual one or a batch's) is dropped and
 * matching runs again; what would appear, disappear or change is diffed against the matches before.
 * Applying does the same and commits, audited with those figures.
 */

/** The methods the rules drive: a clerk's manual match and a batch credit's match (its members stay linked) are never dropped. */
const RULE_METHODS = sql`('reference', 'remittance', 'amount_date')`;

export function mayEditMatchRules(staff: StaffPrincipal): boolean {
  return staff.role === "admin" || staff.role === "supervisor" || staff.queues.includes("finance");
}

export async function matchRulesFor(staff: StaffPrincipal, tx: Executor = db()): Promise<MatchRule[]> {
  if (!mayEditMatchRules(staff)) throw new AppError("forbidden");
  return loadMatchRules(tx);
}

export type RuleChangeExample = {
  lineId: number;
  amountFen: number;
  valueDate: string;
  before: string | null;
  after: string | null;
  methodBefore: string | null;
  methodAfter: string | null;
  /** The fee recorded on the match (net-of-fee matching), before and after; null: none. */
  feeBefore: number | null;
  feeAfter: number | null;
  /** The difference the amount tolerance took up (credit − amount due), before and after; null: none. */
  differenceBefore: number | null;
  differenceAfter: number | null;
};

export type RuleChangeDiff = {
  appear: number;
  disappear: number;
  change: number;
  exceptionsBefore: number;
  exceptionsAfter: number;
  examples: { appear: RuleChangeExample[]; disappear: RuleChangeExample[]; change: RuleChangeExample[] };
};

const EXAMPLES = 3;

class DryRunDone extends Error {
  constructor(readonly result: unknown) {
    super("dry run rolled back");
  }
}

/** Runs `run` in a transaction that is always rolled back, and returns its result. */
export async function withRollback<T>(executor: Executor, run: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    await executor.transaction(async (tx) => {
      throw new DryRunDone(await run(tx));
    });
  } catch (error) {
    if (error instanceof DryRunDone) return error.result as T;
    throw error;
  }
  throw new Error("unreachable");
}

/** What the proposed rules would do to the store, with nothing changed. */
export async function dryRunMatchRules(staff: StaffPrincipal, rules: MatchRule[], options: { timeZone: string }, executor: Executor = db()): Promise<RuleChangeDiff> {
  if (!mayEditMatchRules(staff)) throw new AppError("forbidden");
  return withRollback(executor, (tx) => rematch(tx, (t) => storeMatchRules(t, rules, staffActor(staff.id)), options.timeZone));
}

/** Stores the rules and re-matches, in one audited transaction; returns what changed. */
export async function applyMatchRules(staff: StaffPrincipal, rules: MatchRule[], options: { timeZone: string }, executor: Executor = db()): Promise<RuleChangeDiff> {
  if (!mayEditMatchRules(staff)) throw new AppError("forbidden");
  return executor.transaction(async (tx) => {
    const before = await loadMatchRules(tx);
    const diff = await rematch(tx, (t) => storeMatchRules(t, rules, staffActor(staff.id)), options.timeZone);
    await recordAudit(tx, {
      actor: staffActor(staff.id),
      action: "match_rules.apply",
      objectType: "match_rules",
      outcome: "ok",
      detail: {
        before: before.map(describe).join(" "),
        after: rules.map(describe).join(" "),
        appear: diff.appear,
        disappear: diff.disappear,
        change: diff.change,
        exceptionsBefore: diff.exceptionsBefore,
        exceptionsAfter: diff.exceptionsAfter,
      },
    });
    return diff;
  });
}

const describe = (r: MatchRule) => `${r.position}:${r.method}:${r.enabled ? "on" : "off"}${r.method === "amount_date" ? `:w=${r.dateWindowDays ?? "channel"}:ch=${r.requireChannel ? "same" : "any"}:tol=${r.toleranceFen}:req=${r.requiredFields.join("+") || "none"}` : ""}`;

/**
 * Runs `change` (storing proposed rules, match or fee rules) and re-matches inside the caller's transaction,
 * then diffs the rule-made matches against those before: a match changes when its receipt, its method,
 * the fee or the tolerated difference recorded on it differs. The caller commits (apply) or rolls back (dry run, withRollback).
 */
export async function rematch(tx: Tx, change: (tx: Tx) => Promise<void>, timeZone: string): Promise<RuleChangeDiff> {
  // Imports take turns with this (their merge and matching assume no other writer of lines or matches).
  await tx.execute(sql`select pg_advisory_xact_lock(${SETTLEMENT_IMPORT_LOCK_KEY}::bigint)`);
  await tx.execute(sql`drop table if exists match_rules_before`);
  await tx.execute(sql`create temp table match_rules_before on commit drop as
    select settlement_line_id, receipt_id, method::text as method, fee_fen, difference_fen from matches where method in ${RULE_METHODS}`);
  const exceptionsBefore = await countUnaccounted(tx);
  await change(tx);
  await tx.execute(sql`delete from matches where method in ${RULE_METHODS}`);
  await matchSettlements({ timeZone }, tx);
  const exceptionsAfter = await countUnaccounted(tx);

  const rows = await queryRows<{ kind: "appear" | "disappear" | "change"; n: number; examples: RuleChangeExample[] | null }>(
    tx,
    sql`
    with diff as (
      select coalesce(a.settlement_line_id, b.settlement_line_id) as line_id, b.receipt_id as before_id, a.receipt_id as after_id,
             b.method as method_before, a.method as method_after, b.fee_fen as fee_before, a.fee_fen as fee_after,
             b.difference_fen as difference_before, a.difference_fen as difference_after,
             case when b.settlement_line_id is null then 'appear' when a.settlement_line_id is null then 'disappear' else 'change' end as kind
      from (select settlement_line_id, receipt_id, method::text as method, fee_fen, difference_fen from matches where method in ${RULE_METHODS}) a
      full join match_rules_before b on b.settlement_line_id = a.settlement_line_id
      where b.settlement_line_id is null or a.settlement_line_id is null or a.receipt_id <> b.receipt_id or a.method <> b.method
         or a.fee_fen is distinct from b.fee_fen or a.difference_fen is distinct from b.difference_fen
    ), ranked as (
      select d.*, row_number() over (partition by d.kind order by d.line_id) as k from diff d
    )
    select r.kind, count(*)::int as n,
           json_agg(json_build_object('lineId', r.line_id, 'amountFen', l.amount_fen, 'valueDate', l.value_date,
                                      'before', rb.receipt_no, 'after', ra.receipt_no, 'methodBefore', r.method_before, 'methodAfter', r.method_after,
                                      'feeBefore', r.fee_before, 'feeAfter', r.fee_after,
                                      'differenceBefore', r.difference_before, 'differenceAfter', r.difference_after)
                    order by r.line_id) filter (where r.k <= ${EXAMPLES}) as examples
    from ranked r
    join settlement_lines l on l.id = r.line_id
    left join receipts rb on rb.id = r.before_id
    left join receipts ra on ra.id = r.after_id
    group by r.kind`,
  );
  const of = (kind: "appear" | "disappear" | "change") => rows.find((r) => r.kind === kind);
  const fen = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  const examples = (kind: "appear" | "disappear" | "change") =>
    (of(kind)?.examples ?? []).map((e) => ({ ...e, lineId: Number(e.lineId), amountFen: Number(e.amountFen), feeBefore: fen(e.feeBefore), feeAfter: fen(e.feeAfter), differenceBefore: fen(e.differenceBefore), differenceAfter: fen(e.differenceAfter) }));
  return {
    appear: of("appear")?.n ?? 0,
    disappear: of("disappear")?.n ?? 0,
    change: of("change")?.n ?? 0,
    exceptionsBefore,
    exceptionsAfter,
    examples: { appear: examples("appear"), disappear: examples("disappear"), change: examples("change") },
  };
}

async function countUnaccounted(tx: Tx): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from settlement_lines l where ${UNACCOUNTED}`);
  return row?.n ?? 0;
}
