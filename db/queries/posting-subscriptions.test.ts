import { randomBytes } from "node:crypto";
import { eq, inArray, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../client";
import { matchSettlements } from "../import/matching";
import { outbox, postingSubscriptions, receipts, settlementBatches, settlementLines } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { unsafeConfirmationsForReceipt, confirmedNotSettled, recordConfirmation } from "./channel-confirmations";
import { notifyOverdueSubscribers, subscribeToPosting, unsubscribe } from "./posting-subscriptions";
import { publicStatus } from "./status";
import type { StaffPrincipal } from "./staff";

const SUPERVISOR: StaffPrincipal = { id: 1, email: "supervisor@paystatus.test", name: "", role: "supervisor", queues: [], isDemo: false, sessionVersion: 1 };

setupTestDatabase();

const TZ = "Asia/Shanghai";
const options = { timeZone: TZ, baseUrl: "https://pay.example.gov.cn" };
const unique = () => randomBytes(4).toString("hex").toUpperCase();

async function receipt(values: { paidAt?: Date; dueFen?: number; channel?: string; billingStatus?: "paid" | "sent_to_bank" | "unpaid" } = {}) {
  const receiptNo = `TEST${unique()}`;
  const dueFen = values.dueFen ?? 38000;
  const [r] = await db()
    .insert(receipts)
    .values({ receiptNo, service: "hukou", payerName: "测试", amountDueFen: dueFen, amountPaidFen: dueFen, channel: values.channel ?? "wechat", paidAt: values.paidAt ?? new Date(), bankRef: `REF-${receiptNo}`, billingStatus: values.billingStatus ?? "paid" })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  return r!;
}

async function statement(r: { receiptNo: string }, amountFen = 38000) {
  const [batch] = await db().insert(settlementBatches).values({ fileHash: `test-${unique()}`, fileName: "test", format: "csv" }).returning({ id: settlementBatches.id });
  await db().insert(settlementLines).values({ batchId: batch!.id, lineKey: `test:${unique()}`, bankRef: `REF-${r.receiptNo}`, amountFen, valueDate: "2026-11-19", channel: "wechat" });
  return matchSettlements({ timeZone: TZ });
}

const noticesFor = async (receiptNo: string) => (await db().select().from(outbox).where(like(outbox.dedupeKey, "payment_%"))).filter((o) => String((o.payload as { trackingUrl?: string }).trackingUrl).includes(receiptNo));
const subscriptionsOf = (receiptId: number) => db().select().from(postingSubscriptions).where(eq(postingSubscriptions.receiptId, receiptId));
const confirm = (receiptNo: string, values: { amountFen?: number; channel?: "wechat" | "acquirer"; paidAt?: Date } = {}) =>
  recordConfirmation({ channel: values.channel ?? "wechat", transactionId: `4200${unique()}${unique()}`, outTradeNo: receiptNo, amountFen: values.amountFen ?? 38000, paidAt: values.paidAt ?? new Date(), terminalId: null, batchId: null });

describe(`status with a channel confirmation on ${databaseKind()}`, () => {
  it("a confirmed payment inside the lock window is pending, with the confirmation (masked) in the same read", async () => {
    const r = await receipt({ billingStatus: "sent_to_bank" });
    expect((await publicStatus(r.receiptNo, { now: new Date(), timeZone: TZ }))?.status.code).toBe("awaiting_bank");
    await confirm(r.receiptNo);
    const after = await publicStatus(r.receiptNo, { now: new Date(), timeZone: TZ });
    expect(after?.status.code).toBe("pending");
    expect(after?.confirmation?.channel).toBe("wechat");
    expect(after?.confirmation?.transactionIdMasked).toMatch(/^4200…\w{4}$/);
  });

  it("a confirmed amount that differs is amount_mismatch; a confirmation from another channel is no evidence", async () => {
    const r = await receipt();
    await confirm(r.receiptNo, { amountFen: 2000 });
    expect((await publicStatus(r.receiptNo, { now: new Date(), timeZone: TZ }))?.status).toMatchObject({ code: "amount_mismatch", evidence: "channel", settledFen: 2000, postedOn: null });

    // Stored before the receipt arrived, as an acquirer (POS) payment; the receipt then says WeChat.
    const receiptNo = `TEST${unique()}`;
    await recordConfirmation({ channel: "acquirer", transactionId: `UP${unique()}`, outTradeNo: receiptNo, amountFen: 38000, paidAt: new Date(), terminalId: null, batchId: null });
    await db().insert(receipts).values({ receiptNo, service: "hukou", payerName: "测试", amountDueFen: 38000, amountPaidFen: 38000, channel: "wechat", paidAt: new Date(), billingStatus: "sent_to_bank" });
    const other = await publicStatus(receiptNo, { now: new Date(), timeZone: TZ });
    expect(other?.confirmation).toBeNull();
    expect(other?.status.code).toBe("awaiting_bank");
  });
});

describe(`a payment made twice through the channel, before the statement, on ${databaseKind()}`, () => {
  it("two confirmations with different transaction ids are evidence of a duplicate on the pending page; a retry of one is not", async () => {
    const r = await receipt();
    const first = { channel: "wechat" as const, transactionId: `4200${unique()}${unique()}`, outTradeNo: r.receiptNo, amountFen: 38000, paidAt: new Date(), terminalId: null, batchId: null };
    await recordConfirmation(first);
    await recordConfirmation(first); // the channel's retry
    let status = await publicStatus(r.receiptNo, { now: new Date(), timeZone: TZ });
    expect(status?.confirmation?.paymentsConfirmed).toBe(1);
    await confirm(r.receiptNo);
    status = await publicStatus(r.receiptNo, { now: new Date(), timeZone: TZ });
    // SPEC §2.1: `duplicate` needs two settlements; until the statement arrives it stays pending, with the evidence.
    expect(status?.status.code).toBe("pending");
    expect(status?.confirmation?.paymentsConfirmed).toBe(2);
    // Once the bank statement shows both payments, matching makes it `duplicate` as before.
    const [batch] = await db().insert(settlementBatches).values({ fileHash: `test-${unique()}`, fileName: "test", format: "csv" }).returning({ id: settlementBatches.id });
    for (let i = 0; i < 2; i++) await db().insert(settlementLines).values({ batchId: batch!.id, lineKey: `test:${unique()}`, bankRef: `REF-${r.receiptNo}`, amountFen: 38000, valueDate: "2026-11-19", channel: "wechat" });
    await matchSettlements({ timeZone: TZ });
    expect((await publicStatus(r.receiptNo, { now: new Date(), timeZone: TZ }))?.status.code).toBe("duplicate");
  });
});

describe(`"tell me when it posts" on ${databaseKind()}`, () => {
  it("one notice when the statement posts the payment, then the contact is gone", async () => {
    const r = await receipt();
    expect(await subscribeToPosting(r.receiptNo, "resident@example.com", "en", options)).toEqual({ kind: "subscribed" });
    expect(await subscribeToPosting(r.receiptNo, "resident@example.com", "en", options)).toEqual({ kind: "subscribed" });
    expect(await subscriptionsOf(r.id)).toHaveLength(1);

    await statement(r);
    const notices = await noticesFor(r.receiptNo);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ channel: "email", payload: { kind: "payment_posted", locale: "en", to: "resident@example.com", ticketRef: `…${r.receiptNo.slice(-4)}` } });
    expect((notices[0]!.payload as { unsubscribeUrl: string }).unsubscribeUrl).toMatch(/^http:\/\/localhost:3000\/unsubscribe\/\d+\.[\w-]{22}$/);
    expect(await subscriptionsOf(r.id)).toHaveLength(0);

    // Matching again (or the worker) sends nothing more.
    await matchSettlements({ timeZone: TZ });
    await notifyOverdueSubscribers(new Date(), options);
    expect(await noticesFor(r.receiptNo)).toHaveLength(1);
  });

  it("phones go by the webhook (SMS)", async () => {
    const r = await receipt();
    await subscribeToPosting(r.receiptNo, "13800138000", "zh-CN", options);
    await statement(r);
    expect((await noticesFor(r.receiptNo)).map((n) => n.channel)).toEqual(["webhook"]);
  });

  it("refuses a posted or unknown receipt", async () => {
    const r = await receipt();
    await statement(r);
    expect(await subscribeToPosting(r.receiptNo, "resident@example.com", "zh-CN", options)).toEqual({ kind: "not_allowed" });
    expect(await subscribeToPosting(`TEST${unique()}`, "resident@example.com", "zh-CN", options)).toEqual({ kind: "not_allowed" });
    expect(await subscriptionsOf(r.id)).toHaveLength(0);
  });

  it("one overdue notice from the worker job, then the posting notice, then nothing", async () => {
    const paidAt = new Date(Date.now() - 10 * 86_400_000);
    const r = await receipt({ paidAt });
    await subscribeToPosting(r.receiptNo, "resident@example.com", "zh-CN", options);
    const first = await notifyOverdueSubscribers(new Date(), options);
    expect(first.overdue).toBeGreaterThanOrEqual(1);
    await notifyOverdueSubscribers(new Date(), options);
    expect((await noticesFor(r.receiptNo)).map((n) => (n.payload as { kind: string }).kind)).toEqual(["payment_overdue"]);
    await statement(r);
    expect((await noticesFor(r.receiptNo)).map((n) => (n.payload as { kind: string }).kind).sort()).toEqual(["payment_overdue", "payment_posted"]);
    expect(await subscriptionsOf(r.id)).toHaveLength(0);
  });

  it.each([
    ["voided", "payment_voided", { billingStatus: "voided" as const }],
    ["refunded", "payment_refunded", { billingStatus: "refunded" as const, refundAmountFen: 38000, refundedAt: new Date() }],
    ["refund_pending (the refund approved, not yet paid out)", "payment_refunded", { billingStatus: "refund_pending" as const, refundAmountFen: 38000 }],
  ])("a receipt that becomes %s gets one notice (even after an overdue one), then the contact is gone", async (_name, kind, change) => {
    const r = await receipt({ paidAt: new Date(Date.now() - 10 * 86_400_000) });
    const recent = await receipt(); // paid just now: not overdue, but a void ends it all the same
    await subscribeToPosting(r.receiptNo, "resident@example.com", "en", options);
    await subscribeToPosting(recent.receiptNo, "13800138000", "zh-CN", options);
    await notifyOverdueSubscribers(new Date(), options);
    await db().update(receipts).set(change).where(inArray(receipts.id, [r.id, recent.id]));
    const run = await notifyOverdueSubscribers(new Date(), options);
    expect(run.ended).toBeGreaterThanOrEqual(2);
    await notifyOverdueSubscribers(new Date(), options);
    expect((await noticesFor(r.receiptNo)).map((n) => (n.payload as { kind: string }).kind).sort()).toEqual([kind, "payment_overdue"].sort());
    const [sms] = await noticesFor(recent.receiptNo);
    expect(sms).toMatchObject({ channel: "webhook", payload: { kind, to: "13800138000" } });
    expect(await noticesFor(recent.receiptNo)).toHaveLength(1);
    expect(await subscriptionsOf(r.id)).toHaveLength(0);
    expect(await subscriptionsOf(recent.id)).toHaveLength(0);
  });

  it("unsubscribing deletes the contact; no notice follows", async () => {
    const r = await receipt();
    await subscribeToPosting(r.receiptNo, "resident@example.com", "zh-CN", options);
    const [s] = await subscriptionsOf(r.id);
    expect(await unsubscribe(s!.id)).toBe(true);
    expect(await unsubscribe(s!.id)).toBe(false);
    await statement(r);
    expect(await noticesFor(r.receiptNo)).toHaveLength(0);
  });
});

describe(`console views of confirmations on ${databaseKind()}`, () => {
  it("counts confirmed, unsettled payments by channel and age; settled ones leave the tile", async () => {
    const now = new Date();
    const before = await confirmedNotSettled(SUPERVISOR, now);
    const count = (buckets: typeof before, age: string) => buckets.find((b) => b.channel === "wechat" && b.age === age)?.count ?? 0;
    const fresh = await receipt();
    const old = await receipt({ paidAt: new Date(now.getTime() - 2 * 86_400_000) });
    await confirm(fresh.receiptNo);
    await confirm(old.receiptNo, { paidAt: new Date(now.getTime() - 2 * 86_400_000) });
    const after = await confirmedNotSettled(SUPERVISOR, now);
    expect(count(after, "under_1d") - count(before, "under_1d")).toBe(1);
    expect(count(after, "1_3d") - count(before, "1_3d")).toBe(1);
    await statement(fresh);
    expect(count(await confirmedNotSettled(SUPERVISOR, now), "under_1d")).toBe(count(before, "under_1d"));
    expect(await unsafeConfirmationsForReceipt(fresh.receiptNo)).toHaveLength(1);
  });
});
