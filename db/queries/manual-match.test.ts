import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { auditEvents, matches, receipts, settlementBatches, settlementLines, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { candidateLines, manualMatch } from "./manual-match";
import type { StaffPrincipal } from "./staff";

const { handle } = setupTestDatabase();
const now = new Date("2026-11-18T10:00:00+08:00");
const principal = (id: number, role: StaffPrincipal["role"], queues: string[] = []): StaffPrincipal => ({
  id,
  email: `s${id}@example.cn`,
  name: "",
  role,
  queues,
  isDemo: false,
  sessionVersion: 1,
});
const supervisor = principal(1, "supervisor");

let serial = 0;
async function receipt(amountFen = 5000, channel = "wechat") {
  const receiptNo = withLuhnDigit(`20269900000${String(++serial).padStart(4, "0")}`);
  const [row] = await handle()
    .db.insert(receipts)
    .values({
      receiptNo,
      service: "hukou",
      payerName: "张三",
      amountDueFen: amountFen,
      amountPaidFen: amountFen,
      channel,
      paidAt: new Date("2026-11-10T10:00:00+08:00"),
      billingStatus: "paid",
    })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  return row!;
}
async function line(values: { amountFen: number; valueDate: string; channel?: string; remittance?: string }) {
  const [batch] = await handle()
    .db.insert(settlementBatches)
    .values({ fileHash: `mm-${++serial}`, fileName: "t", format: "csv" })
    .returning({ id: settlementBatches.id });
  const [row] = await handle()
    .db.insert(settlementLines)
    .values({ batchId: batch!.id, lineKey: `mm-${serial}`, channel: "wechat", remittance: null, ...values })
    .returning({ id: settlementLines.id });
  return row!.id;
}
async function ticketFor(r: { id: number; receiptNo: string }, queue: "bank_liaison" | "finance", status: "open" | "waiting_on_settlement" = "open") {
  const [row] = await handle()
    .db.insert(tickets)
    .values({
      ref: `T-MM${++serial}`,
      receiptNo: r.receiptNo,
      receiptId: r.id,
      category: "not_posted",
      status,
      queue,
      paymentStatus: "pending",
      description: "x",
      payerContact: "r@example.cn",
      trackingTokenHash: "h",
    })
    .returning({ id: tickets.id });
  return row!.id;
}

describe(`manual matching on ${databaseKind()}`, () => {
  it("offers unmatched lines with the same amount and channel in the window, or the receipt number in the remittance", async () => {
    const r = await receipt();
    const sameAmount = await line({ amountFen: 5000, valueDate: "2026-11-12" });
    const inRemittance = await line({ amountFen: 4000, valueDate: "2026-10-01", channel: "pos", remittance: `缴费 ${r.receiptNo.slice(0, 4)}-${r.receiptNo.slice(4)}` });
    await line({ amountFen: 5000, valueDate: "2026-11-12", channel: "alipay" });
    await line({ amountFen: 5000, valueDate: "2026-11-30" });
    await line({ amountFen: 5001, valueDate: "2026-11-11" });
    const taken = await line({ amountFen: 5000, valueDate: "2026-11-11" });
    const other = await receipt(7000);
    await handle().db.insert(matches).values({ settlementLineId: taken, receiptId: other.id, method: "reference" });

    const found = await candidateLines(r.id, { timeZone: "Asia/Shanghai" });
    expect(found.map((c) => [c.id, c.reason])).toEqual([
      [inRemittance, "remittance"],
      [sameAmount, "amount_date"],
    ]);
    expect(found[1]).toMatchObject({ amountFen: 5000, valueDate: "2026-11-12", channel: "wechat" });
  });

  it("matches by hand with an audit event, and refuses a line or a receipt already matched", async () => {
    const r = await receipt();
    const first = await line({ amountFen: 5000, valueDate: "2026-11-11" });
    const second = await line({ amountFen: 5000, valueDate: "2026-11-12" });
    const result = await manualMatch({ receiptId: r.id, lineId: first, staff: supervisor, now });
    expect(result.ok).toBe(true);
    const [row] = await handle().db.select().from(matches).where(eq(matches.receiptId, r.id));
    expect(row).toMatchObject({ settlementLineId: first, method: "manual", matchedBy: "staff:1" });
    const audit = await handle().db.select().from(auditEvents).where(and(eq(auditEvents.action, "match.manual"), eq(auditEvents.objectId, String(r.id))));
    expect(audit.map((a) => a.outcome)).toEqual(["ok"]);

    expect(await candidateLines(r.id)).toEqual([]);
    expect(await manualMatch({ receiptId: r.id, lineId: second, staff: supervisor, now })).toEqual({ ok: false, code: "receipt_already_matched" });
    const another = await receipt();
    expect(await manualMatch({ receiptId: another.id, lineId: first, staff: supervisor, now })).toEqual({ ok: false, code: "line_already_matched" });
    expect(await manualMatch({ receiptId: another.id, lineId: 987654321, staff: supervisor, now })).toEqual({ ok: false, code: "not_found" });
    expect(await handle().db.select().from(matches).where(eq(matches.receiptId, another.id))).toEqual([]);
  });

  it("lets an agent match only a receipt with a ticket in their queues", async () => {
    const r = await receipt();
    await ticketFor(r, "finance");
    const l = await line({ amountFen: 5000, valueDate: "2026-11-11" });
    expect(await manualMatch({ receiptId: r.id, lineId: l, staff: principal(2, "agent", ["bank_liaison"]), now })).toEqual({ ok: false, code: "forbidden" });
    expect(await handle().db.select().from(matches).where(eq(matches.settlementLineId, l))).toEqual([]);
    expect((await manualMatch({ receiptId: r.id, lineId: l, staff: principal(3, "agent", ["finance"]), now })).ok).toBe(true);
  });

  it("runs the post-match hook: a ticket waiting on settlement resolves when the payment is now posted", async () => {
    const r = await receipt();
    const ticketId = await ticketFor(r, "bank_liaison", "waiting_on_settlement");
    const l = await line({ amountFen: 5000, valueDate: "2026-11-11" });
    expect((await manualMatch({ receiptId: r.id, lineId: l, staff: supervisor, now })).ok).toBe(true);
    const [ticket] = await handle().db.select().from(tickets).where(eq(tickets.id, ticketId));
    expect(ticket).toMatchObject({ status: "resolved", version: 2 });
  });
});
