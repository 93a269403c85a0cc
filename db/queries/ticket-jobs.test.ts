import { randomBytes } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { IsoDate } from "@/lib/dates";
import { db } from "../client";
import { matches, outbox, receipts, settlementBatches, settlementLines, ticketEvents, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { matchSettlements } from "../import/matching";
import { escalateWaitingTickets, resolveWaitingTickets } from "./ticket-jobs";

setupTestDatabase();

const TZ = "Asia/Shanghai";
const options = { timeZone: TZ, baseUrl: "https://pay.example.gov.cn" };
const unique = () => randomBytes(4).toString("hex").toUpperCase();
const at = (local: string) => new Date(`${local}+08:00`);

async function receipt(options: { dueFen?: number; lines?: number[] } = {}) {
  const receiptNo = `TEST${unique()}`;
  const dueFen = options.dueFen ?? 2500;
  const [r] = await db()
    .insert(receipts)
    .values({ receiptNo, service: "hukou", payerName: "测试", payerPhone: "13800000000", amountDueFen: dueFen, amountPaidFen: dueFen, channel: "online_bank", paidAt: at("2026-11-18T10:00:00"), bankRef: `REF-${receiptNo}`, billingStatus: "paid" })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  if (options.lines?.length) await settle(r!.id, options.lines);
  return r!;
}

async function settle(receiptId: number, amounts: number[]) {
  const [batch] = await db().insert(settlementBatches).values({ fileHash: `test-${unique()}`, fileName: "test", format: "csv" }).returning({ id: settlementBatches.id });
  for (const amountFen of amounts) {
    const [line] = await db()
      .insert(settlementLines)
      .values({ batchId: batch!.id, lineKey: `test:${unique()}`, bankRef: null, amountFen, valueDate: "2026-11-19", channel: "online_bank" })
      .returning({ id: settlementLines.id });
    await db().insert(matches).values({ settlementLineId: line!.id, receiptId, method: "manual" });
  }
}

async function ticket(r: { id: number; receiptNo: string } | null, values: { status?: "waiting_on_settlement" | "open"; expectedDate?: IsoDate | null; contact?: string; locale?: string } = {}) {
  const ref = `T-${unique().slice(0, 4)}-${unique().slice(0, 4)}`;
  const [t] = await db()
    .insert(tickets)
    .values({
      ref,
      receiptNo: r?.receiptNo ?? `TEST${unique()}`,
      receiptId: r?.id ?? null,
      category: "not_posted",
      status: values.status ?? "waiting_on_settlement",
      queue: "bank_liaison",
      paymentStatus: "pending",
      expectedDate: values.expectedDate === undefined ? "2026-11-20" : values.expectedDate,
      description: "test",
      payerContact: values.contact ?? "resident@example.com",
      locale: values.locale ?? "zh-CN",
      trackingTokenHash: unique(),
    })
    .returning();
  return t!;
}

const reload = async (id: number) => (await db().select().from(tickets).where(eq(tickets.id, id)))[0]!;
const eventsOf = (id: number) => db().select().from(ticketEvents).where(eq(ticketEvents.ticketId, id));
const notificationsFor = (ref: string) => db().select().from(outbox).where(inArray(outbox.dedupeKey, [`ticket_resolved:${ref}:v2`, `ticket_escalated:${ref}:v2`]));

describe(`resolveWaitingTickets on ${databaseKind()}`, () => {
  it("resolves a waiting ticket once its payment has posted, with a public event and a notification", async () => {
    const r = await receipt({ lines: [2500] });
    const t = await ticket(r, { contact: "13800138000", locale: "en" });
    const now = at("2026-11-19T09:00:00");
    expect(await resolveWaitingTickets([r.id], db(), { ...options, now })).toBe(1);

    const after = await reload(t.id);
    expect(after).toMatchObject({ status: "resolved", version: 2 });
    expect(after.resolvedAt?.getTime()).toBe(now.getTime());
    expect(await eventsOf(t.id)).toMatchObject([{ actor: "system", kind: "resolved", public: true, data: { reason: "payment_posted" } }]);
    const [note] = await notificationsFor(t.ref);
    expect(note).toMatchObject({
      channel: "webhook",
      dedupeKey: `ticket_resolved:${t.ref}:v2`,
      payload: { kind: "ticket_resolved", ticketRef: t.ref, locale: "en", to: "13800138000", trackingUrl: `https://pay.example.gov.cn/t/${t.ref}` },
    });

    // Again: nothing more happens.
    expect(await resolveWaitingTickets([r.id], db(), { ...options, now })).toBe(0);
    expect(await eventsOf(t.id)).toHaveLength(1);
  });

  it("is what matching calls: importing the settlement line resolves the ticket", async () => {
    const r = await receipt();
    const t = await ticket(r);
    const [batch] = await db().insert(settlementBatches).values({ fileHash: `test-${unique()}`, fileName: "test", format: "csv" }).returning({ id: settlementBatches.id });
    await db().insert(settlementLines).values({ batchId: batch!.id, lineKey: `test:${unique()}`, bankRef: `REF-${r.receiptNo}`, amountFen: 2500, valueDate: "2026-11-19", channel: "online_bank" });
    const summary = await matchSettlements({ timeZone: TZ });
    expect(summary.posted).toBeGreaterThanOrEqual(1);
    expect(await reload(t.id)).toMatchObject({ status: "resolved", version: 2 });
    const [note] = await notificationsFor(t.ref);
    expect(note?.payload).toMatchObject({ kind: "ticket_resolved", ticketRef: t.ref });
  });

  it("leaves tickets alone when the payment is not posted, or the ticket is not waiting", async () => {
    const mismatch = await receipt({ dueFen: 2500, lines: [2000] });
    const duplicate = await receipt({ lines: [2500, 2500] });
    const unmatched = await receipt();
    const postedButOpen = await receipt({ lines: [2500] });
    const waiting = [await ticket(mismatch), await ticket(duplicate), await ticket(unmatched)];
    const open = await ticket(postedButOpen, { status: "open" });
    expect(await resolveWaitingTickets([mismatch.id, duplicate.id, unmatched.id, postedButOpen.id], db(), options)).toBe(0);
    for (const t of [...waiting, open]) {
      expect(await reload(t.id)).toMatchObject({ status: t.status, version: 1 });
      expect(await eventsOf(t.id)).toHaveLength(0);
    }
  });

  it("only looks at the receipts it is given, and rolls back with the caller", async () => {
    const a = await receipt({ lines: [2500] });
    const b = await receipt({ lines: [2500] });
    const ta = await ticket(a);
    const tb = await ticket(b);
    await expect(
      db().transaction(async (tx) => {
        expect(await resolveWaitingTickets([a.id], tx, options)).toBe(1);
        throw new Error("matching failed later");
      }),
    ).rejects.toThrow("matching failed later");
    expect(await reload(ta.id)).toMatchObject({ status: "waiting_on_settlement", version: 1 });
    expect(await notificationsFor(ta.ref)).toHaveLength(0);
    expect(await resolveWaitingTickets([a.id], db(), options)).toBe(1);
    expect(await reload(tb.id)).toMatchObject({ status: "waiting_on_settlement" });
  });
});

describe(`escalateWaitingTickets on ${databaseKind()}`, () => {
  // Each case's tickets are the only waiting ones: earlier cases' leftovers must not count.
  beforeEach(async () => {
    await db().update(tickets).set({ status: "closed" }).where(eq(tickets.status, "waiting_on_settlement"));
  });

  it("escalates once the business day after the expected date has ended", async () => {
    // Expected Friday 2026-11-20 → the business day after is Monday 11-23 → escalates from Tuesday 11-24.
    const t = await ticket(await receipt(), { expectedDate: "2026-11-20" });
    for (const notYet of ["2026-11-21T12:00:00", "2026-11-22T23:59:00", "2026-11-23T09:00:00", "2026-11-23T23:59:00"]) {
      expect(await escalateWaitingTickets(at(notYet), db(), options), notYet).toBe(0);
    }
    expect(await reload(t.id)).toMatchObject({ status: "waiting_on_settlement", queue: "bank_liaison", version: 1, dueAt: null });
    expect(await eventsOf(t.id)).toHaveLength(0);

    const now = at("2026-11-24T00:05:00");
    expect(await escalateWaitingTickets(now, db(), options)).toBe(1);
    const after = await reload(t.id);
    // SLA: two business days from Tuesday → end of Thursday 11-26 in Shanghai.
    expect(after).toMatchObject({ status: "open", queue: "bank_liaison", priority: 1, version: 2 });
    expect(after.dueAt?.toISOString()).toBe(at("2026-11-27T00:00:00").toISOString());
    expect(await eventsOf(t.id)).toMatchObject([{ actor: "system", kind: "escalated", public: true, data: { queue: "bank_liaison", expectedDate: "2026-11-20" } }]);
    expect(await notificationsFor(t.ref)).toMatchObject([{ channel: "email", payload: { kind: "ticket_escalated", ticketRef: t.ref, locale: "zh-CN" } }]);

    expect(await escalateWaitingTickets(at("2026-11-25T10:00:00"), db(), options)).toBe(0);
    expect(await eventsOf(t.id)).toHaveLength(1);
  });

  it("counts business days across statutory holidays", async () => {
    // Expected Wednesday 2026-09-30; 1–7 October are holidays, so the business day after is Thursday 10-08.
    const t = await ticket(await receipt(), { expectedDate: "2026-09-30" });
    expect(await escalateWaitingTickets(at("2026-10-05T12:00:00"), db(), options)).toBe(0);
    expect(await escalateWaitingTickets(at("2026-10-08T18:00:00"), db(), options)).toBe(0);
    expect(await reload(t.id)).toMatchObject({ status: "waiting_on_settlement" });
    expect(await escalateWaitingTickets(at("2026-10-09T08:00:00"), db(), options)).toBe(1);
    // Friday 10-09 + 2 business days: Saturday 10-10 is a make-up workday, so due at the end of Monday 10-12.
    expect((await reload(t.id)).dueAt?.toISOString()).toBe(at("2026-10-13T00:00:00").toISOString());
  });

  it("leaves tickets without an expected date, merged ones and other statuses alone", async () => {
    const noDate = await ticket(await receipt(), { expectedDate: null });
    const open = await ticket(await receipt(), { status: "open", expectedDate: "2026-11-02" });
    const merged = await ticket(await receipt(), { expectedDate: "2026-11-02" });
    await db().update(tickets).set({ mergedIntoId: open.id }).where(eq(tickets.id, merged.id));
    expect(await escalateWaitingTickets(at("2026-11-24T10:00:00"), db(), options)).toBe(0);
    for (const t of [noDate, open, merged]) expect((await reload(t.id)).version).toBe(1);
  });

  it("resolves instead of escalating when the payment posted without the matching hook", async () => {
    const r = await receipt({ lines: [2500] });
    const t = await ticket(r, { expectedDate: "2026-11-20" });
    expect(await escalateWaitingTickets(at("2026-11-24T10:00:00"), db(), options)).toBe(0);
    expect(await reload(t.id)).toMatchObject({ status: "resolved", version: 2 });
    expect(await db().select().from(outbox).where(eq(outbox.dedupeKey, `ticket_resolved:${t.ref}:v2`))).toHaveLength(1);
  });

  it.skipIf(databaseKind() === "pglite")("escalates each ticket once when instances run it at the same time (PostgreSQL)", async () => {
    const waiting = [];
    for (let i = 0; i < 12; i++) waiting.push(await ticket(await receipt(), { expectedDate: "2026-11-20" }));
    const now = at("2026-11-24T10:00:00");
    const counts = await Promise.all([1, 2, 3, 4].map(() => escalateWaitingTickets(now, db(), options)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    const ids = waiting.map((t) => t.id);
    const events = await db().select().from(ticketEvents).where(and(inArray(ticketEvents.ticketId, ids), eq(ticketEvents.kind, "escalated")));
    expect(events).toHaveLength(12);
  });
});
