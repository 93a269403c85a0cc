import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEFAULT_MATCH_RULES, type MatchRule } from "@/lib/match-rules";
import { withLuhnDigit } from "@/lib/receipt-number";
import { queryRows } from "../client";
import { auditEvents, matches, receipts, settlementBatches, settlementLines } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { matchSettlements } from "../import/matching";
import { applyMatchRules, dryRunMatchRules, matchRulesFor } from "./match-rules";
import type { StaffPrincipal } from "./staff-auth";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const principal = (id: number, role: StaffPrincipal["role"], queues: string[] = []): StaffPrincipal => ({ id, email: `s${id}@example.cn`, name: "", role, queues, isDemo: false, sessionVersion: 1 });
const finance = principal(7, "agent", ["finance"]);

let serial = 0;
async function receipt(amountFen: number, paidAt: string, channel = "wechat") {
  const receiptNo = withLuhnDigit(`20269800000${String(++serial).padStart(4, "0")}`);
  const [row] = await handle()
    .db.insert(receipts)
    .values({ receiptNo, service: "hukou", payerName: "张三", amountDueFen: amountFen, amountPaidFen: amountFen, channel, paidAt: new Date(paidAt), billingStatus: "paid" })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  return row!;
}
async function line(values: { amountFen: number; valueDate: string; channel?: string; remittance?: string }) {
  const [batch] = await handle().db.insert(settlementBatches).values({ fileHash: `mr-${++serial}`, fileName: "t", format: "csv" }).returning({ id: settlementBatches.id });
  const [row] = await handle().db.insert(settlementLines).values({ batchId: batch!.id, lineKey: `mr-${serial}`, channel: "wechat", remittance: null, ...values }).returning({ id: settlementLines.id });
  return row!.id;
}
const store = () => queryRows(handle().db, sql`select settlement_line_id, receipt_id, method from matches order by settlement_line_id`);
const rules = (change: Partial<Record<MatchRule["method"], Partial<MatchRule>>>) => DEFAULT_MATCH_RULES.map((r) => ({ ...r, ...change[r.method] }));

describe(`match rules on ${databaseKind()}`, () => {
  it("the stored defaults are SPEC §2.2's order; only finance, supervisors and admins may read or change them", async () => {
    expect(await matchRulesFor(finance)).toEqual(DEFAULT_MATCH_RULES);
    await expect(matchRulesFor(principal(8, "agent", ["refunds"]))).rejects.toMatchObject({ code: "forbidden" });
    await expect(dryRunMatchRules(principal(8, "agent", ["refunds"]), DEFAULT_MATCH_RULES, { timeZone: TZ })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a dry run shows what would appear, disappear and change, and changes nothing; applying does it, audited", async () => {
    const byText = await receipt(4100, "2026-11-03T10:00:00+08:00");
    await line({ amountFen: 4100, valueDate: "2026-11-04", remittance: `缴费 ${byText.receiptNo}` });
    // Four days after payment: outside wechat's window, inside a 5-day window.
    const late = await receipt(4200, "2026-11-03T10:00:00+08:00");
    const lateLine = await line({ amountFen: 4200, valueDate: "2026-11-07" });
    await matchSettlements({ timeZone: TZ });
    const settled = await store();
    expect(settled).toHaveLength(1);

    expect(await dryRunMatchRules(finance, DEFAULT_MATCH_RULES, { timeZone: TZ })).toMatchObject({ appear: 0, disappear: 0, change: 0 });

    const proposal = rules({ remittance: { enabled: false }, amount_date: { dateWindowDays: 5 } });
    const diff = await dryRunMatchRules(finance, proposal, { timeZone: TZ });
    // The remittance match goes; the receipt paid by text now matches by amount and date instead (a change); the late line appears.
    expect(diff).toMatchObject({ appear: 1, disappear: 0, change: 1, exceptionsBefore: 1, exceptionsAfter: 0 });
    expect(diff.examples.appear).toEqual([expect.objectContaining({ lineId: lateLine, amountFen: 4200, after: late.receiptNo, before: null, methodAfter: "amount_date" })]);
    expect(diff.examples.change).toEqual([expect.objectContaining({ before: byText.receiptNo, after: byText.receiptNo, methodBefore: "remittance", methodAfter: "amount_date" })]);
    expect(await store()).toEqual(settled);
    expect(await matchRulesFor(finance)).toEqual(DEFAULT_MATCH_RULES);

    expect(await applyMatchRules(finance, proposal, { timeZone: TZ })).toMatchObject({ appear: 1, change: 1 });
    expect((await matchRulesFor(finance)).find((r) => r.method === "amount_date")).toMatchObject({ dateWindowDays: 5 });
    expect(await handle().db.select().from(matches).where(eq(matches.receiptId, late.id))).toHaveLength(1);
    const [audit] = await handle().db.select().from(auditEvents).where(eq(auditEvents.action, "match_rules.apply"));
    expect(audit).toMatchObject({ actor: "staff:7", outcome: "ok", detail: { appear: 1, change: 1 } });
    expect(String(audit!.detail.after)).toContain("amount_date:on:w=5");

    // Back to the defaults: matching twice after that changes nothing.
    await applyMatchRules(finance, DEFAULT_MATCH_RULES, { timeZone: TZ });
    const again = await store();
    expect(await matchSettlements({ timeZone: TZ })).toMatchObject({ reference: 0, remittance: 0, amountDate: 0 });
    expect(await store()).toEqual(again);
  });

  it("raising the tolerance makes a near-amount pair appear in the dry run, storing nothing; applying makes the match with its difference", async () => {
    // 3 fen over what was due, the day after: no match at the same amount.
    const near = await receipt(5300, "2026-11-10T10:00:00+08:00");
    const nearLine = await line({ amountFen: 5303, valueDate: "2026-11-11" });
    await matchSettlements({ timeZone: TZ });
    const settled = await store();
    expect(settled.some((m) => Number((m as { settlement_line_id: number }).settlement_line_id) === nearLine)).toBe(false);

    const proposal = rules({ amount_date: { toleranceFen: 5 } });
    const diff = await dryRunMatchRules(finance, proposal, { timeZone: TZ });
    expect(diff).toMatchObject({ appear: 1, disappear: 0, change: 0 });
    expect(diff.exceptionsAfter).toBe(diff.exceptionsBefore - 1);
    expect(diff.examples.appear).toEqual([
      expect.objectContaining({ lineId: nearLine, amountFen: 5303, before: null, after: near.receiptNo, methodAfter: "amount_date", differenceBefore: null, differenceAfter: 3 }),
    ]);
    // Nothing stored: neither the rule nor the match.
    expect(await store()).toEqual(settled);
    expect(await matchRulesFor(finance)).toEqual(DEFAULT_MATCH_RULES);

    // A tolerance of 2 fen is not enough: nothing would change.
    expect(await dryRunMatchRules(finance, rules({ amount_date: { toleranceFen: 2 } }), { timeZone: TZ })).toMatchObject({ appear: 0, disappear: 0, change: 0 });
    // Requiring the payer's account (the line has none) leaves the line out even with the tolerance.
    expect(await dryRunMatchRules(finance, rules({ amount_date: { toleranceFen: 5, requiredFields: ["payer_account"] } }), { timeZone: TZ })).toMatchObject({ appear: 0 });

    expect(await applyMatchRules(finance, proposal, { timeZone: TZ })).toMatchObject({ appear: 1 });
    expect((await matchRulesFor(finance)).find((r) => r.method === "amount_date")).toMatchObject({ toleranceFen: 5, requiredFields: [] });
    expect(await handle().db.select().from(matches).where(eq(matches.settlementLineId, nearLine))).toEqual([
      expect.objectContaining({ receiptId: near.id, method: "amount_date", differenceFen: 3 }),
    ]);
    const audits = await handle().db.select().from(auditEvents).where(eq(auditEvents.action, "match_rules.apply"));
    expect(String(audits.at(-1)!.detail.after)).toContain("amount_date:on:w=channel:ch=same:tol=5:req=none");

    // The stored rules read back as the console parses them; back to the defaults the match goes again.
    expect(await applyMatchRules(finance, DEFAULT_MATCH_RULES, { timeZone: TZ })).toMatchObject({ disappear: 1 });
    expect(await handle().db.select().from(matches).where(eq(matches.settlementLineId, nearLine))).toEqual([]);
  });

  it("required fields are stored and read back in a fixed order", async () => {
    await applyMatchRules(finance, rules({ amount_date: { requiredFields: ["remittance", "payer_account"] } }), { timeZone: TZ });
    expect((await matchRulesFor(finance)).find((r) => r.method === "amount_date")).toMatchObject({ requiredFields: ["payer_account", "remittance"] });
    await applyMatchRules(finance, DEFAULT_MATCH_RULES, { timeZone: TZ });
    expect(await matchRulesFor(finance)).toEqual(DEFAULT_MATCH_RULES);
  });
});
