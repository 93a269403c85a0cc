import { randomBytes } from "node:crypto";
import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { auditEvents, corrections, receipts, ticketEvents, tickets } from "../schema";
import { setupTestDatabase } from "../testing/test-db";
import { correctionDetail, decideCorrection, listCorrections, markRefundPaidOut, prepareCorrection } from "./corrections";
import type { StaffPrincipal } from "./staff";
import { createStaff } from "./staff-accounts";

const { handle } = setupTestDatabase();
const now = new Date("2026-11-18T10:00:00+08:00");

async function member(role: StaffPrincipal["role"], queues: string[] = []): Promise<StaffPrincipal> {
  const email = `corr-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role, queues, password: null });
  return { id, email, name: "", role, queues, isDemo: false, sessionVersion: 1 };
}

let serial = 0;
async function receiptWithTicket(options: { billing?: "paid" | "unpaid"; queue?: "refunds" | "data_entry" } = {}) {
  const billing = options.billing ?? "paid";
  const receiptNo = withLuhnDigit(`20269800000${String(++serial).padStart(4, "0")}`);
  const [r] = await handle()
    .db.insert(receipts)
    .values({
      receiptNo,
      service: "hukou",
      payerName: "张三",
      amountDueFen: 2500,
      amountPaidFen: billing === "paid" ? 2500 : null,
      channel: "wechat",
      paidAt: billing === "paid" ? new Date("2026-11-10T10:00:00+08:00") : null,
      billingStatus: billing,
    })
    .returning({ id: receipts.id });
  const ref = `T-CR${String(serial).padStart(2, "0")}-${randomBytes(2).toString("hex").toUpperCase()}`;
  await handle()
    .db.insert(tickets)
    .values({
      ref,
      receiptNo,
      receiptId: r!.id,
      category: billing === "paid" ? "duplicate_charge" : "not_posted",
      status: "open",
      queue: options.queue ?? (billing === "paid" ? "refunds" : "data_entry"),
      paymentStatus: billing === "paid" ? "duplicate" : "unpaid",
      description: "x",
      payerContact: "13800138000",
      trackingTokenHash: randomBytes(16).toString("hex"),
    });
  return { receiptId: r!.id, ref };
}

const refund = (amountFen = 2500) => ({ kind: "refund" as const, amountFen, reason: "重复缴费", payeeAccount: "6222021234567890123" });
const reentry = { kind: "reentry" as const, amountFen: 2500, reason: "银行回单", channel: "counter", paidAt: new Date("2026-11-12T09:30:00+08:00"), bankRef: "BR-1" };

async function receiptRow(id: number) {
  const [row] = await handle().db.select().from(receipts).where(eq(receipts.id, id));
  return row!;
}
async function audits(objectId: number) {
  return handle().db.select({ action: auditEvents.action, outcome: auditEvents.outcome, detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.objectType, "correction"), eq(auditEvents.objectId, String(objectId))));
}

describe("preparing a correction", () => {
  it("is allowed to an agent of the ticket's queue and to a supervisor, not to others", async () => {
    const { ref } = await receiptWithTicket();
    const outsider = await member("agent", ["bank_liaison"]);
    const admin = await member("admin");
    expect(await prepareCorrection(outsider, ref, refund(), now)).toEqual({ ok: false, code: "forbidden" });
    expect(await prepareCorrection(admin, ref, refund(), now)).toEqual({ ok: false, code: "forbidden" });
    const clerk = await member("agent", ["refunds"]);
    expect(await prepareCorrection(clerk, ref, refund(), now)).toMatchObject({ ok: true });
    // One refund in flight per receipt.
    expect(await prepareCorrection(await member("supervisor"), ref, refund(), now)).toEqual({ ok: false, code: "already_pending" });
  });

  it("refuses what the receipt does not admit and changes nothing", async () => {
    const clerk = await member("agent", ["refunds", "data_entry"]);
    const paid = await receiptWithTicket();
    expect(await prepareCorrection(clerk, paid.ref, refund(2501), now)).toEqual({ ok: false, code: "amount_too_large" });
    expect(await prepareCorrection(clerk, paid.ref, reentry, now)).toEqual({ ok: false, code: "not_reenterable" });
    const unpaid = await receiptWithTicket({ billing: "unpaid" });
    expect(await prepareCorrection(clerk, unpaid.ref, refund(), now)).toEqual({ ok: false, code: "not_refundable" });
    expect(await prepareCorrection(clerk, unpaid.ref, { ...reentry, paidAt: new Date(now.getTime() + 60_000) }, now)).toEqual({ ok: false, code: "paid_in_future" });
    const stored = await handle().db.select().from(corrections).where(eq(corrections.receiptId, paid.receiptId));
    expect(stored).toEqual([]);
  });
});

describe("approving a correction", () => {
  it("refuses the preparer, even a supervisor, in the data layer and audits the refusal", async () => {
    const supervisor = await member("supervisor");
    const { ref, receiptId } = await receiptWithTicket();
    const prepared = await prepareCorrection(supervisor, ref, refund(), now);
    if (!prepared.ok) throw new Error(prepared.code);
    expect(await decideCorrection(supervisor, { id: prepared.id, version: 1, decision: "approve", note: "" }, now)).toEqual({ ok: false, code: "own_correction" });
    expect((await receiptRow(receiptId)).billingStatus).toBe("paid");
    expect(await audits(prepared.id)).toContainEqual({ action: "correction.approve", outcome: "refused", detail: { code: "own_correction" } });
    // The table refuses it too, whatever a future code path does.
    await expect(handle().db.update(corrections).set({ decidedBy: supervisor.id }).where(eq(corrections.id, prepared.id))).rejects.toThrow();
  });

  it("lets only a supervisor approve a refund; a data-entry agent may approve a re-entry", async () => {
    const clerk = await member("agent", ["refunds", "data_entry"]);
    const peer = await member("agent", ["refunds", "data_entry"]);
    const r1 = await receiptWithTicket();
    const p1 = await prepareCorrection(clerk, r1.ref, refund(), now);
    if (!p1.ok) throw new Error(p1.code);
    expect(await decideCorrection(peer, { id: p1.id, version: 1, decision: "approve", note: "" }, now)).toEqual({ ok: false, code: "supervisor_only" });

    const r2 = await receiptWithTicket({ billing: "unpaid" });
    const p2 = await prepareCorrection(clerk, r2.ref, reentry, now);
    if (!p2.ok) throw new Error(p2.code);
    expect(await decideCorrection(peer, { id: p2.id, version: 1, decision: "approve", note: "" }, now)).toEqual({ ok: true, id: p2.id });
    const receipt = await receiptRow(r2.receiptId);
    expect(receipt).toMatchObject({ billingStatus: "paid", amountPaidFen: 2500, channel: "counter", bankRef: "BR-1" });
    expect(receipt.paidAt?.toISOString()).toBe(reentry.paidAt.toISOString());
  });

  it("applies a refund with its audit event, once: a second approver with the same version is refused", async () => {
    const clerk = await member("agent", ["refunds"]);
    const first = await member("supervisor");
    const second = await member("supervisor");
    const { ref, receiptId } = await receiptWithTicket();
    const prepared = await prepareCorrection(clerk, ref, refund(2000), now);
    if (!prepared.ok) throw new Error(prepared.code);

    const decisions = await Promise.all([
      decideCorrection(first, { id: prepared.id, version: 1, decision: "approve", note: "ok" }, now),
      decideCorrection(second, { id: prepared.id, version: 1, decision: "reject", note: "no" }, now),
    ]);
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    expect(decisions.filter((d) => !d.ok)).toEqual([{ ok: false, code: "stale" }]);
    const [row] = await handle().db.select().from(corrections).where(eq(corrections.id, prepared.id));
    const receipt = await receiptRow(receiptId);
    if (row!.status === "approved") {
      expect(receipt).toMatchObject({ billingStatus: "refund_pending", refundAmountFen: 2000 });
    } else {
      expect(receipt).toMatchObject({ billingStatus: "paid", refundAmountFen: null });
    }
    expect((await audits(prepared.id)).filter((a) => a.outcome === "ok").map((a) => a.action)).toEqual(["correction.prepare", `correction.${row!.status === "approved" ? "approve" : "reject"}`]);
  });

  it("changes nothing when the receipt no longer admits the correction", async () => {
    const clerk = await member("agent", ["refunds"]);
    const supervisor = await member("supervisor");
    const { ref, receiptId } = await receiptWithTicket();
    const prepared = await prepareCorrection(clerk, ref, refund(), now);
    if (!prepared.ok) throw new Error(prepared.code);
    await handle().db.update(receipts).set({ billingStatus: "refunded" }).where(eq(receipts.id, receiptId));
    expect(await decideCorrection(supervisor, { id: prepared.id, version: 1, decision: "approve", note: "" }, now)).toEqual({ ok: false, code: "not_refundable" });
    const [row] = await handle().db.select().from(corrections).where(eq(corrections.id, prepared.id));
    expect(row).toMatchObject({ status: "pending", version: 1, decidedBy: null });
  });

  it("marks an approved refund paid out: the receipt becomes refunded", async () => {
    const clerk = await member("agent", ["refunds"]);
    const supervisor = await member("supervisor");
    const { ref, receiptId } = await receiptWithTicket();
    const prepared = await prepareCorrection(clerk, ref, refund(), now);
    if (!prepared.ok) throw new Error(prepared.code);
    expect(await markRefundPaidOut(clerk, { id: prepared.id, version: 1 }, now)).toEqual({ ok: false, code: "stale" });
    await decideCorrection(supervisor, { id: prepared.id, version: 1, decision: "approve", note: "" }, now);
    expect(await markRefundPaidOut(await member("admin"), { id: prepared.id, version: 2 }, now)).toEqual({ ok: false, code: "forbidden" });
    expect(await markRefundPaidOut(clerk, { id: prepared.id, version: 2 }, now)).toEqual({ ok: true, id: prepared.id });
    expect(await receiptRow(receiptId)).toMatchObject({ billingStatus: "refunded", refundAmountFen: 2500 });
    expect(await markRefundPaidOut(clerk, { id: prepared.id, version: 3 }, now)).toEqual({ ok: false, code: "stale" });

    // Each step is on the ticket's timeline, internal, linked to the correction; refusals add nothing.
    const events = await handle()
      .db.select({ kind: ticketEvents.kind, public: ticketEvents.public, staffId: ticketEvents.staffId, data: ticketEvents.data })
      .from(ticketEvents)
      .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
      .where(and(eq(tickets.ref, ref), like(ticketEvents.kind, "correction_%")))
      .orderBy(ticketEvents.id);
    const data = { correction: prepared.id, correctionKind: "refund", amountFen: 2500 };
    expect(events).toEqual([
      { kind: "correction_prepared", public: false, staffId: clerk.id, data },
      { kind: "correction_approved", public: false, staffId: supervisor.id, data },
      { kind: "correction_paid_out", public: false, staffId: clerk.id, data },
    ]);
  });
});

describe("listing corrections", () => {
  it("shows an agent only the corrections of their queues, with keyset pages", async () => {
    const clerk = await member("agent", ["refunds", "data_entry"]);
    const supervisor = await member("supervisor");
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { ref } = await receiptWithTicket();
      const p = await prepareCorrection(clerk, ref, refund(), now);
      if (p.ok) ids.push(p.id);
    }
    const outsider = await member("agent", ["bank_liaison"]);
    expect((await listCorrections(outsider, { status: "pending" })).rows).toEqual([]);
    expect(await correctionDetail(outsider, ids[0]!)).toBeNull();
    expect(await correctionDetail(await member("admin"), ids[0]!)).toBeNull();

    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await listCorrections(supervisor, { status: "pending", limit: 2, cursor });
      expect(page.rows.length).toBeLessThanOrEqual(2);
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toEqual(expect.arrayContaining(ids));
    const detail = await correctionDetail(clerk, ids[0]!);
    expect(detail).toMatchObject({ id: ids[0], decisionRefusal: "own_correction", vouchers: [] });
  });
});
