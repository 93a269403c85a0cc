import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { bytesOf } from "@/lib/statements/decode";
import { findDetailProfile } from "@/lib/statements/settlement-details";
import { StatementFileError } from "@/lib/statements";
import { queryRows } from "../client";
import { feesByChannelMonth, listBatches } from "../queries/batches";
import { publicStatus } from "../queries/status";
import { auditEvents, channelBatches, channelBatchMembers, feeRules, matches, matchReversals, outbox, postingSubscriptions, receipts, settlementBatches, settlementLines, ticketEvents, tickets } from "../schema";
import { setupTestDatabase } from "../testing/test-db";
import { matchSettlements } from "./matching";
import { importSettlementDetailFile } from "./settlement-details";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const now = new Date("2026-12-10T10:00:00+08:00");

let serial = 0;
async function receipt(amountFen: number, channel: string, paidAt: string, terminalId: string | null = null, bankRef: string | null = null) {
  const receiptNo = withLuhnDigit(`20268800000${String(++serial).padStart(4, "0")}`);
  const [row] = await handle()
    .db.insert(receipts)
    .values({ receiptNo, service: "hukou", payerName: "张三", amountDueFen: amountFen, amountPaidFen: amountFen, channel, paidAt: new Date(paidAt), billingStatus: "paid", terminalId, bankRef })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  return row!;
}
async function line(values: { amountFen: number; valueDate: string; channel?: string | null; remittance?: string | null; bankRef?: string | null; reversal?: boolean }) {
  const [batch] = await handle().db.insert(settlementBatches).values({ fileHash: `mb-${++serial}`, fileName: "t", format: "csv" }).returning({ id: settlementBatches.id });
  const [row] = await handle()
    .db.insert(settlementLines)
    .values({ batchId: batch!.id, lineKey: `mb-${serial}`, channel: null, remittance: null, ...values })
    .returning({ id: settlementLines.id });
  return row!.id;
}
const statusOf = async (receiptNo: string) => (await publicStatus(receiptNo, { now, timeZone: TZ }, handle().db))!.status;
const matchOf = async (lineId: number) => (await handle().db.select().from(matches).where(eq(matches.settlementLineId, lineId)))[0] ?? null;
const run = () => matchSettlements({ timeZone: TZ }, handle().db);

beforeAll(async () => {
  await handle().db.insert(feeRules).values([
    { channel: "pos", rate: 60, rateUnit: "bp", rounding: "half_up", minFen: 1, maxFen: 5000, appliesTo: "transaction", effectiveFrom: "2026-01-01" },
    { channel: "wechat", rate: 6, rateUnit: "permille", rounding: "half_up", effectiveFrom: "2026-01-01", effectiveTo: "2026-11-30" },
    // from December WeChat keeps 0.2 %: the rule in force on the payment date decides
    { channel: "wechat", rate: 20, rateUnit: "bp", rounding: "down", effectiveFrom: "2026-12-01" },
  ]);
});

describe("fee_fen in SQL", () => {
  it.each([
    [10000, 60, "bp", "half_up", 1, 5000, 60],
    [125, 60, "bp", "down", null, null, 0],
    [125, 60, "bp", "up", null, null, 1],
    [500, 50, "bp", "half_even", null, null, 2],
    [700, 50, "bp", "half_even", null, null, 4],
    [10_000_000, 60, "bp", "half_up", 1, 5000, 5000],
    [50, 60, "bp", "down", 1, 5000, 1],
    [10000, 6, "permille", "half_up", null, null, 60],
    [1, 60, "bp", "half_up", 10, null, 1],
  ])("%i fen at %i %s %s [%s, %s] → %i", async (gross, rate, unit, rounding, min, max, fee) => {
    const [row] = await queryRows<{ fee: string | number }>(handle().db, sql`select fee_fen(${gross}::bigint, ${rate}::int, ${unit}, ${rounding}, ${min}::bigint, ${max}::bigint) as fee`);
    expect(Number(row!.fee)).toBe(fee);
  });
});

describe("net-of-fee matching", () => {
  it("a credit of gross − fee matches by amount and date, records the fee, and posts the receipt at its gross", async () => {
    const r = await receipt(10000, "wechat", "2026-11-20T10:00:00+08:00");
    const l = await line({ amountFen: 9940, valueDate: "2026-11-21", channel: "wechat" });
    const summary = await run();
    expect(summary.batches?.netOfFee).toBe(1);
    expect(await matchOf(l)).toMatchObject({ receiptId: r.id, method: "amount_date", grossFen: 10000, feeFen: 60 });
    expect(await statusOf(r.receiptNo)).toEqual({ code: "posted", postedOn: "2026-11-21", amountFen: 10000 });
  });

  it("takes the rule in force on the payment date", async () => {
    const r = await receipt(10000, "wechat", "2026-12-02T10:00:00+08:00");
    const l = await line({ amountFen: 9980, valueDate: "2026-12-03", channel: "wechat" });
    await run();
    expect(await matchOf(l)).toMatchObject({ receiptId: r.id, grossFen: 10000, feeFen: 20 });
  });

  it("a referenced credit net of the fee records the fee; one that differs by more stays a mismatch", async () => {
    const ok = await receipt(20000, "pos", "2026-11-20T10:00:00+08:00", null, "REF-NET-1");
    const off = await receipt(20000, "pos", "2026-11-20T11:00:00+08:00", null, "REF-NET-2");
    const l1 = await line({ amountFen: 19880, valueDate: "2026-11-21", channel: "pos", bankRef: "REF-NET-1" });
    const l2 = await line({ amountFen: 19870, valueDate: "2026-11-21", channel: "pos", bankRef: "REF-NET-2" });
    await run();
    expect(await matchOf(l1)).toMatchObject({ receiptId: ok.id, method: "reference", grossFen: 20000, feeFen: 120 });
    expect(await matchOf(l2)).toMatchObject({ receiptId: off.id, method: "reference", grossFen: null, feeFen: null });
    expect((await statusOf(ok.receiptNo)).code).toBe("posted");
    expect(await statusOf(off.receiptNo)).toMatchObject({ code: "amount_mismatch", differenceFen: 130 });
  });

  it("an amount off by more than the rule allows stays an exception", async () => {
    const r = await receipt(30000, "wechat", "2026-11-22T10:00:00+08:00");
    const l = await line({ amountFen: 29800, valueDate: "2026-11-23", channel: "wechat" });
    await run();
    expect(await matchOf(l)).toBeNull();
    expect((await statusOf(r.receiptNo)).code).not.toBe("posted");
  });
});

describe("batches without a detail file", () => {
  it("a credit naming the terminal, equal to the day's receipts net of the fee, pays them all", async () => {
    const day = "2026-12-03T";
    const members = [await receipt(15000, "pos", `${day}09:00:00+08:00`, "T0100001"), await receipt(2500, "pos", `${day}12:00:00+08:00`, "T0100001"), await receipt(3800, "pos", `${day}18:00:00+08:00`, "T0100001")];
    // another terminal's receipt the same day is not part of it
    const other = await receipt(2500, "pos", `${day}10:00:00+08:00`, "T0100002");
    const fee = 90 + 15 + 23; // 0.6 % of each, half up
    const l = await line({ amountFen: 21300 - fee, valueDate: "2026-12-04", remittance: "POS清算 终端号T0100001 20261203" });
    const summary = await run();
    expect(summary.batches?.sumBatches).toBe(1);
    const m = await matchOf(l);
    expect(m).toMatchObject({ receiptId: null, method: "batch", grossFen: 21300, feeFen: fee });
    const [batch] = await handle().db.select().from(channelBatches).where(eq(channelBatches.id, m!.batchId!));
    expect(batch).toMatchObject({ source: "sum", terminalId: "T0100001", batchDate: "2026-12-03", grossFen: 21300, feeFen: fee, netFen: 21300 - fee, memberCount: 3, settlementLineId: l });
    for (const [i, r] of members.entries()) expect(await statusOf(r.receiptNo)).toEqual({ code: "posted", postedOn: "2026-12-04", amountFen: [15000, 2500, 3800][i], batchDate: "2026-12-03" });
    expect((await statusOf(other.receiptNo)).code).not.toBe("posted");
    // matching again changes nothing
    const again = await run();
    expect(again.batches).toEqual({ fees: 0, netOfFee: 0, detailBatches: 0, sumBatches: 0 });
    expect(await handle().db.select().from(channelBatchMembers).where(eq(channelBatchMembers.batchId, batch!.id))).toHaveLength(3);
  });

  it("a credit that is neither the gross nor the net of the day stays an exception", async () => {
    await receipt(15000, "pos", "2026-12-03T09:00:00+08:00", "T0200001");
    await receipt(2500, "pos", "2026-12-03T10:00:00+08:00", "T0200001");
    const l = await line({ amountFen: 17300, valueDate: "2026-12-04", remittance: "POS清算 终端号T0200001" });
    await run();
    expect(await matchOf(l)).toBeNull();
  });

  it("two days of a terminal summing to the same amount are ambiguous without a date in the text", async () => {
    await receipt(4000, "pos", "2026-12-01T09:00:00+08:00", "T0300001");
    await receipt(4000, "pos", "2026-12-02T09:00:00+08:00", "T0300001");
    const l = await line({ amountFen: 4000, valueDate: "2026-12-03", remittance: "POS T0300001" });
    await run();
    expect(await matchOf(l)).toBeNull();
    // with the batch date in its text the credit pays that day (another terminal, same two days)
    await receipt(4000, "pos", "2026-12-01T09:00:00+08:00", "T0300002");
    await receipt(4000, "pos", "2026-12-02T09:00:00+08:00", "T0300002");
    const dated = await line({ amountFen: 4000, valueDate: "2026-12-03", remittance: "POS T0300002 2026-12-02" });
    await run();
    expect(await matchOf(dated)).toMatchObject({ method: "batch", grossFen: 4000, feeFen: 0 });
  });
});

describe("the batch credit window counts business days", () => {
  it("a credit 16 calendar days after the eve of National Day still pays the batch; one after the 10th business day does not", async () => {
    // 30 September 2026; the Golden Week 1–7 October is off, Saturday 10 October a make-up workday: the 10th business day is 20 October.
    await receipt(6000, "pos", "2026-09-30T09:00:00+08:00", "T0600001");
    await receipt(4000, "pos", "2026-09-30T15:00:00+08:00", "T0600001");
    const late = await line({ amountFen: 10000, valueDate: "2026-10-16", remittance: "邮政POS 终端T0600001 20260930" });
    await receipt(5000, "pos", "2026-09-30T09:00:00+08:00", "T0600002");
    const tooLate = await line({ amountFen: 5000, valueDate: "2026-10-21", remittance: "邮政POS 终端T0600002 20260930" });
    await run();
    expect(await matchOf(late)).toMatchObject({ method: "batch", grossFen: 10000 });
    expect(await matchOf(tooLate)).toBeNull();
  });
});

describe("a returned batch credit", () => {
  const reversedFor = async (lineId: number) => (await handle().db.select().from(matchReversals).where(eq(matchReversals.originalLineId, lineId)))[0];
  const auditsOf = async (receiptId: number) =>
    (await handle().db.select().from(auditEvents).where(eq(auditEvents.objectId, String(receiptId)))).filter((a) => a.action === "match.reverse");

  it("an inferred batch: every member goes back to waiting, audited and told; matching again changes nothing; paid again, the batch comes back", async () => {
    const members = [await receipt(7000, "pos", "2026-12-07T09:00:00+08:00", "T0700001"), await receipt(3000, "pos", "2026-12-07T10:00:00+08:00", "T0700001")];
    const credit = await line({ amountFen: 10000, valueDate: "2026-12-08", remittance: "POS清算 T0700001 20261207", bankRef: "BATCH-RV-1" });
    await run();
    const before = await matchOf(credit);
    expect(before).toMatchObject({ method: "batch", grossFen: 10000 });
    const [ticket] = await handle().db.insert(tickets).values({
      ref: "T-BRV1-0001", receiptNo: members[0]!.receiptNo, receiptId: members[0]!.id, category: "not_posted", status: "waiting_on_settlement", queue: "bank_liaison",
      paymentStatus: "pending", description: "x", payerContact: "13800138000", trackingTokenHash: "brv1",
    }).returning({ id: tickets.id });
    await handle().db.insert(postingSubscriptions).values({ receiptId: members[1]!.id, contact: "13800138001" });

    const reversal = await line({ amountFen: 10000, valueDate: "2026-12-09", bankRef: "BATCH-RV-1", reversal: true });
    const summary = await run();
    expect(summary.reversals).toBe(1);
    expect(await matchOf(credit)).toBeNull();
    expect(await reversedFor(credit)).toMatchObject({ reversalLineId: reversal, receiptId: null, batchId: before!.batchId, method: "batch" });
    for (const r of members) {
      expect((await statusOf(r.receiptNo)).code).not.toBe("posted");
      expect(await auditsOf(r.id)).toEqual([expect.objectContaining({ detail: { settlementLineId: credit, reversalLineId: reversal, method: "batch", batchId: before!.batchId } })]);
    }
    // the inferred batch is dissolved, so its receipts are open again
    expect(await handle().db.select().from(channelBatches).where(eq(channelBatches.id, before!.batchId!))).toEqual([]);
    expect((await handle().db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket!.id))).map((e) => e.kind)).toContain("payment_reversed");
    const [notice] = await handle().db.select().from(outbox).where(eq(outbox.dedupeKey, `payment_reversed:sub:${(await handle().db.select().from(postingSubscriptions).where(eq(postingSubscriptions.receiptId, members[1]!.id)))[0]!.id}:line:${reversal}`));
    expect(notice).toBeDefined();

    const again = await run();
    expect(again).toMatchObject({ reversals: 0, posted: 0, batches: { fees: 0, netOfFee: 0, detailBatches: 0, sumBatches: 0 } });
    for (const r of members) expect(await auditsOf(r.id)).toHaveLength(1);

    // the acquirer pays the batch again: the same batch, members and amounts as before
    const paidAgain = await line({ amountFen: 10000, valueDate: "2026-12-10", remittance: "POS清算 T0700001 20261207", bankRef: "BATCH-RV-1b" });
    await run();
    const restored = await matchOf(paidAgain);
    expect(restored).toMatchObject({ method: "batch", grossFen: 10000, feeFen: 0 });
    const [batch] = await handle().db.select().from(channelBatches).where(eq(channelBatches.id, restored!.batchId!));
    expect(batch).toMatchObject({ source: "sum", terminalId: "T0700001", batchDate: "2026-12-07", grossFen: 10000, memberCount: 2 });
    expect((await handle().db.select().from(channelBatchMembers).where(eq(channelBatchMembers.batchId, batch!.id))).map((m) => m.receiptId).sort()).toEqual(members.map((m) => m.id).sort());
    for (const [i, r] of members.entries()) expect(await statusOf(r.receiptNo)).toEqual({ code: "posted", postedOn: "2026-12-10", amountFen: [7000, 3000][i], batchDate: "2026-12-07" });
  });

  it("a detail batch keeps its members and waits for a credit again", async () => {
    const a = await receipt(12000, "pos", "2026-12-07T09:00:00+08:00");
    const b = await receipt(8000, "pos", "2026-12-07T11:00:00+08:00");
    const file = ["清算日期,终端号,批次号,商户订单号,交易金额,手续费,结算金额", `2026-12-07,T0800001,000801,${a.receiptNo},120.00,0.72,119.28`, `2026-12-07,T0800001,000801,${b.receiptNo},80.00,0.48,79.52`].join("\n");
    await importSettlementDetailFile({ name: "d8.csv", open: () => bytesOf(file) }, findDetailProfile("pos-detail"), { timeZone: TZ }, handle().db);
    const credit = await line({ amountFen: 19880, valueDate: "2026-12-08", remittance: "银联POS 批次000801", bankRef: "BATCH-RV-2" });
    await run();
    const before = await matchOf(credit);
    expect(before).toMatchObject({ method: "batch", grossFen: 20000, feeFen: 120 });
    await line({ amountFen: 19880, valueDate: "2026-12-09", bankRef: "BATCH-RV-2", reversal: true });
    await run();
    const [batch] = await handle().db.select().from(channelBatches).where(eq(channelBatches.id, before!.batchId!));
    expect(batch).toMatchObject({ settlementLineId: null, memberCount: 2 });
    for (const r of [a, b]) {
      expect((await statusOf(r.receiptNo)).code).not.toBe("posted");
      expect(await auditsOf(r.id)).toHaveLength(1);
    }
    expect(await run()).toMatchObject({ reversals: 0, batches: { detailBatches: 0 } });
    const paidAgain = await line({ amountFen: 19880, valueDate: "2026-12-10", remittance: "银联POS 批次000801", bankRef: "BATCH-RV-2b" });
    await run();
    expect(await matchOf(paidAgain)).toMatchObject({ method: "batch", batchId: before!.batchId, grossFen: 20000, feeFen: 120 });
    expect(await statusOf(a.receiptNo)).toMatchObject({ code: "posted", amountFen: 12000, batchDate: "2026-12-07" });
  });
});

describe("batches with a detail file", () => {
  const detail = (rows: string[]) => ["清算日期,终端号,批次号,商户订单号,交易金额,手续费,结算金额", ...rows].join("\n");

  it("links each receipt of the file to its batch, and the credit naming the batch pays it", async () => {
    const a = await receipt(15000, "pos", "2026-12-03T09:00:00+08:00", null);
    const b = await receipt(8800, "pos", "2026-12-03T15:00:00+08:00", null, "POSREF-88");
    const file = detail([`2026-12-03,T0400001,000123,${a.receiptNo},150.00,0.90,149.10`, `2026-12-03,T0400001,000123,POSREF-88,88.00,0.53,87.47`]);
    const summary = await importSettlementDetailFile({ name: "d.csv", open: () => bytesOf(file) }, findDetailProfile("pos-detail"), { timeZone: TZ }, handle().db);
    expect(summary).toMatchObject({ read: 2, inserted: 2, batches: 1 });
    // before the credit: members, not posted
    expect((await statusOf(a.receiptNo)).code).not.toBe("posted");
    const l = await line({ amountFen: 23657, valueDate: "2026-12-04", remittance: "银联POS 批次000123 清算款" });
    const m = await run();
    expect(m.batches?.detailBatches).toBe(1);
    expect(await matchOf(l)).toMatchObject({ method: "batch", grossFen: 23800, feeFen: 143 });
    expect(await statusOf(a.receiptNo)).toMatchObject({ code: "posted", amountFen: 15000, batchDate: "2026-12-03", postedOn: "2026-12-04" });
    expect(await statusOf(b.receiptNo)).toMatchObject({ code: "posted", amountFen: 8800, batchDate: "2026-12-03" });
    // the same file again adds nothing
    const again = await importSettlementDetailFile({ name: "d.csv", open: () => bytesOf(file) }, findDetailProfile("pos-detail"), { timeZone: TZ }, handle().db);
    expect(again).toMatchObject({ inserted: 0, duplicates: 2 });
  });

  it("refuses a file with a bad line and stores nothing", async () => {
    const file = detail(["2026-12-03,T0500001,1,X1,10.00,0.06,9.90"]);
    await expect(importSettlementDetailFile({ name: "bad.csv", open: () => bytesOf(file) }, findDetailProfile("pos-detail"), { timeZone: TZ }, handle().db)).rejects.toThrow(StatementFileError);
    const [row] = await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from settlement_detail_lines where terminal_id = 'T0500001'`);
    expect(row!.n).toBe(0);
  });
});

describe("batches and fees for supervisors", () => {
  const staff = (role: "agent" | "supervisor") => ({ id: 1, email: "s@example.cn", name: "", role, queues: [], isDemo: false, sessionVersion: 1 });
  it("lists each batch with its members and difference, and fees by channel and month; agents are refused", async () => {
    const batches = await listBatches(staff("supervisor"), {}, handle().db);
    const paid = batches.find((b) => b.terminalId === "T0100001");
    expect(paid).toMatchObject({ source: "sum", memberCount: 3, differenceFen: 0, creditDate: "2026-12-04" });
    expect(paid!.members.map((m) => m.grossFen).sort((a, b) => a - b)).toEqual([2500, 3800, 15000]);
    const fees = await feesByChannelMonth(staff("supervisor"), { months: 24 }, handle().db);
    expect(fees.find((f) => f.channel === "pos" && f.month === "2026-12")?.feeFen).toBeGreaterThan(0);
    await expect(listBatches(staff("agent"), {}, handle().db)).rejects.toThrow();
    await expect(feesByChannelMonth(staff("agent"), {}, handle().db)).rejects.toThrow();
  });
});
