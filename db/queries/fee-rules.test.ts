import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { queryRows } from "../client";
import { auditEvents, receipts, settlementBatches, settlementLines } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { matchSettlements } from "../import/matching";
import { applyFeeRule, dryRunFeeRule, feeRulesFor } from "./fee-rules";
import type { StaffPrincipal } from "./staff-auth";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const principal = (id: number, role: StaffPrincipal["role"], queues: string[] = []): StaffPrincipal => ({ id, email: `s${id}@example.cn`, name: "", role, queues, isDemo: false, sessionVersion: 1 });
const finance = principal(7, "agent", ["finance"]);

let serial = 0;
async function receipt(amountFen: number, paidAt: string) {
  const receiptNo = withLuhnDigit(`20269700000${String(++serial).padStart(4, "0")}`);
  const [row] = await handle()
    .db.insert(receipts)
    .values({ receiptNo, service: "hukou", payerName: "张三", amountDueFen: amountFen, amountPaidFen: amountFen, channel: "wechat", paidAt: new Date(paidAt), billingStatus: "paid" })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  return row!;
}
async function line(values: { amountFen: number; valueDate: string; remittance?: string }) {
  const [batch] = await handle().db.insert(settlementBatches).values({ fileHash: `fr-${++serial}`, fileName: "t", format: "csv" }).returning({ id: settlementBatches.id });
  const [row] = await handle().db.insert(settlementLines).values({ batchId: batch!.id, lineKey: `fr-${serial}`, channel: "wechat", remittance: null, ...values }).returning({ id: settlementLines.id });
  return row!.id;
}
const store = () => queryRows(handle().db, sql`select settlement_line_id, receipt_id, method, fee_fen from matches order by settlement_line_id`);
const version = (change: Record<string, string> = {}) => ({ channel: "wechat", effective_from: "2026-01-01", rate: "60", rate_unit: "bp", rounding: "half_up", min: "", max: "", applies_to: "transaction", tolerance: "", ...change });

describe(`fee rules on ${databaseKind()}`, () => {
  it("only finance, supervisors and admins may read, try or apply them", async () => {
    const refunds = principal(8, "agent", ["refunds"]);
    await expect(feeRulesFor(refunds)).rejects.toMatchObject({ code: "forbidden" });
    await expect(dryRunFeeRule(refunds, version(), { timeZone: TZ })).rejects.toMatchObject({ code: "forbidden" });
    await expect(applyFeeRule(refunds, version(), { timeZone: TZ })).rejects.toMatchObject({ code: "forbidden" });
    expect((await feeRulesFor(principal(9, "supervisor"))).channels).toContain("wechat");
  });

  it("a dry run shows the net-of-fee matches a version would make and changes nothing; applying does it, audited; a later version closes it", async () => {
    // Paid ¥100.00, credited ¥99.40: without a fee rule an exception.
    const net = await receipt(10000, "2026-11-03T10:00:00+08:00");
    const netLine = await line({ amountFen: 9940, valueDate: "2026-11-04" });
    // Named in the text: matched either way; the rule records its fee.
    const named = await receipt(20000, "2026-11-03T11:00:00+08:00");
    await line({ amountFen: 19880, valueDate: "2026-11-04", remittance: `缴费 ${named.receiptNo}` });
    await matchSettlements({ timeZone: TZ });
    const settled = await store();
    expect(settled).toHaveLength(1);

    const tried = await dryRunFeeRule(finance, version(), { timeZone: TZ });
    expect(tried).toMatchObject({ ok: true, plan: { closes: null }, diff: { appear: 1, disappear: 0, change: 1, exceptionsBefore: 1, exceptionsAfter: 0 } });
    if (!tried.ok) throw new Error("unreachable");
    expect(tried.diff.examples.appear).toEqual([expect.objectContaining({ lineId: netLine, after: net.receiptNo, methodAfter: "amount_date", feeAfter: 60 })]);
    expect(tried.diff.examples.change).toEqual([expect.objectContaining({ before: named.receiptNo, after: named.receiptNo, feeBefore: null, feeAfter: 120 })]);
    expect(await store()).toEqual(settled);
    expect((await feeRulesFor(finance)).rules).toEqual([]);

    expect(await applyFeeRule(finance, version(), { timeZone: TZ })).toMatchObject({ ok: true, diff: { appear: 1, change: 1 } });
    expect((await feeRulesFor(finance)).rules).toEqual([expect.objectContaining({ channel: "wechat", rate: 60, effectiveFrom: "2026-01-01", effectiveTo: null })]);
    const [audit] = await handle().db.select().from(auditEvents).where(eq(auditEvents.action, "fee_rules.apply"));
    expect(audit).toMatchObject({ actor: "staff:7", outcome: "ok", objectId: "wechat", detail: { appear: 1, change: 1, exceptionsAfter: 0 } });
    expect(String(audit!.detail.rule)).toContain("wechat:from=2026-01-01:rate=60bp");

    // History stays: a version may not start on or before the one in force.
    expect(await dryRunFeeRule(finance, version({ rate: "50" }), { timeZone: TZ })).toEqual({ ok: false, problem: "not_after_latest" });
    // 50 bp from 1 November: ¥99.40 is no longer ¥100.00 net of the fee, nor ¥198.80 ¥200.00 net of it.
    const lower = await dryRunFeeRule(finance, version({ rate: "50", effective_from: "2026-11-01" }), { timeZone: TZ });
    expect(lower).toMatchObject({ ok: true, plan: { closes: { effectiveTo: "2026-10-31" } }, diff: { appear: 0, disappear: 1, change: 1, exceptionsBefore: 0, exceptionsAfter: 1 } });
    const applied = await store();
    expect(await applyFeeRule(finance, version({ rate: "50", effective_from: "2026-11-01" }), { timeZone: TZ })).toMatchObject({ ok: true, diff: { disappear: 1 } });
    expect((await feeRulesFor(finance)).rules.map((r) => [r.rate, r.effectiveFrom, r.effectiveTo])).toEqual([
      [60, "2026-01-01", "2026-10-31"],
      [50, "2026-11-01", null],
    ]);
    expect(await store()).not.toEqual(applied);
    // Matching twice after that changes nothing.
    const again = await store();
    await matchSettlements({ timeZone: TZ });
    expect(await store()).toEqual(again);
  });
});
