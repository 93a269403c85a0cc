import "server-only";
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  correctionRefusal,
  decisionRefusal,
  prepareRefusal,
  type CorrectionStatus,
  type DecisionRefusal,
  type PrepareRefusal,
} from "@/lib/corrections";
import type { BillingStatus } from "@/lib/status";
import { db, type Tx } from "../client";
import { corrections, matches, receipts, settlementLines, staff as staffTable, ticketAttachments, ticketEvents, tickets } from "../schema";
import { recordAudit, staffActor } from "./audit";
import { proofStorage } from "./proof-storage";
import type { StaffPrincipal } from "./staff";

/**
 * Refunds and re-entries (补录) under maker-checker; the role rules are in
 * lib/corrections.ts. Every function takes the acting staff member and
 * checks scope here, whatever the page showed. Only an approval changes the
 * receipt, in one transaction with its audit event; the decision names the
 * version it saw, so of two approvers acting at once one wins and the other
 * gets `stale`.
 */

export type CorrectionInput =
  | { kind: "refund"; amountFen: number; reason: string; payeeAccount: string }
  | { kind: "reentry"; amountFen: number; reason: string; channel: string; paidAt: Date; bankRef: string };

export type CorrectionResult = { ok: true; id: number } | { ok: false; code: PrepareRefusal | DecisionRefusal | "not_found" | "already_pending" | "stale" };

type TicketQueue = (typeof tickets.$inferSelect)["queue"];

/** The ticket a correction is prepared for, with its receipt as the rules see it; null when the staff member may not work it. */
export async function correctionTicket(staff: StaffPrincipal, ref: string, tx: Tx | ReturnType<typeof db> = db()) {
  const [row] = await tx
    .select({
      ticketId: tickets.id,
      ref: tickets.ref,
      queue: tickets.queue,
      category: tickets.category,
      receiptId: receipts.id,
      receiptNo: receipts.receiptNo,
      billingStatus: receipts.billingStatus,
      amountDueFen: receipts.amountDueFen,
      amountPaidFen: receipts.amountPaidFen,
      channel: receipts.channel,
      paidAt: receipts.paidAt,
      bankRef: receipts.bankRef,
      settledFen: settledFen(),
    })
    .from(tickets)
    .leftJoin(receipts, eq(receipts.id, tickets.receiptId))
    .where(eq(tickets.ref, ref))
    .limit(1);
  if (!row || prepareRefusal(staff, row.queue) !== null) return null;
  return row;
}

/** The ticket's proofs (the resident's vouchers), newest last. */
export async function ticketVouchers(ticketId: number, tx = db()) {
  return tx
    .select({ id: ticketAttachments.id, contentType: ticketAttachments.contentType, sizeBytes: ticketAttachments.sizeBytes, createdAt: ticketAttachments.createdAt })
    .from(ticketAttachments)
    .where(eq(ticketAttachments.ticketId, ticketId))
    .orderBy(asc(ticketAttachments.id));
}

export async function prepareCorrection(staff: StaffPrincipal, ticketRef: string, input: CorrectionInput, now: Date): Promise<CorrectionResult> {
  return db().transaction(async (tx) => {
    const refuse = async (code: Exclude<CorrectionResult, { ok: true }>["code"]): Promise<CorrectionResult> => {
      await recordAudit(tx, { actor: staffActor(staff.id), action: `correction.prepare`, objectType: "ticket", objectId: ticketRef, outcome: "refused", detail: { kind: input.kind, code } });
      return { ok: false, code };
    };
    const ticket = await correctionTicket(staff, ticketRef, tx);
    if (!ticket) return refuse("forbidden");
    if (ticket.receiptId === null) return refuse("not_found");
    const refusal = correctionRefusal(ticketReceipt(ticket), input, now);
    if (refusal) return refuse(refusal);

    const [row] = await tx
      .insert(corrections)
      .values({
        kind: input.kind,
        ticketId: ticket.ticketId,
        receiptId: ticket.receiptId,
        amountFen: input.amountFen,
        reason: input.reason,
        payeeAccount: input.kind === "refund" ? input.payeeAccount : null,
        channel: input.kind === "reentry" ? input.channel : null,
        paidAt: input.kind === "reentry" ? input.paidAt : null,
        bankRef: input.kind === "reentry" ? input.bankRef || null : null,
        preparedBy: staff.id,
        preparedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: corrections.id });
    if (!row) return refuse("already_pending");
    await timelineEvent(tx, { ticketId: ticket.ticketId, staff, now, kind: "correction_prepared", correction: row.id, correctionKind: input.kind, amountFen: input.amountFen });
    await recordAudit(tx, {
      actor: staffActor(staff.id),
      action: "correction.prepare",
      objectType: "correction",
      objectId: row.id,
      outcome: "ok",
      detail: { kind: input.kind, ticket: ticket.ref, receiptId: ticket.receiptId, amountFen: input.amountFen },
    });
    return { ok: true, id: row.id };
  });
}

const preparer = alias(staffTable, "preparer");
const decider = alias(staffTable, "decider");

function correctionColumns() {
  return {
    id: corrections.id,
    kind: corrections.kind,
    status: corrections.status,
    version: corrections.version,
    amountFen: corrections.amountFen,
    reason: corrections.reason,
    payeeAccount: corrections.payeeAccount,
    channel: corrections.channel,
    paidAt: corrections.paidAt,
    bankRef: corrections.bankRef,
    preparedBy: corrections.preparedBy,
    preparedByEmail: preparer.email,
    preparedAt: corrections.preparedAt,
    decidedBy: corrections.decidedBy,
    decidedByEmail: decider.email,
    decidedAt: corrections.decidedAt,
    decisionNote: corrections.decisionNote,
    paidOutAt: corrections.paidOutAt,
    ticketId: tickets.id,
    ticketRef: tickets.ref,
    queue: tickets.queue,
    receiptId: receipts.id,
    receiptNo: receipts.receiptNo,
    billingStatus: receipts.billingStatus,
    amountDueFen: receipts.amountDueFen,
    amountPaidFen: receipts.amountPaidFen,
  };
}

/** Corrections with their ticket, receipt, preparer and decider: what the list and the detail page show. */
function correctionRows() {
  return db()
    .select(correctionColumns())
    .from(corrections)
    .innerJoin(tickets, eq(tickets.id, corrections.ticketId))
    .innerJoin(receipts, eq(receipts.id, corrections.receiptId))
    .innerJoin(preparer, eq(preparer.id, corrections.preparedBy))
    .leftJoin(decider, eq(decider.id, corrections.decidedBy));
}

/** Agents see the corrections of tickets in their queues; supervisors all; admins none. */
function scopeOf(staff: StaffPrincipal) {
  if (staff.role === "supervisor") return undefined;
  if (staff.role === "agent" && staff.queues.length > 0) return inArray(tickets.queue, staff.queues as TicketQueue[]);
  return sql`false`;
}

/** One page of corrections in a status, oldest first for pending (work order), newest first otherwise; keyset on id. */
export async function listCorrections(staff: StaffPrincipal, options: { status: CorrectionStatus; cursor?: number; limit?: number }) {
  const limit = options.limit ?? 50;
  const pending = options.status === "pending";
  const rows = await correctionRows()
    .where(
      and(
        eq(corrections.status, options.status),
        scopeOf(staff),
        options.cursor === undefined ? undefined : pending ? sql`${corrections.id} > ${options.cursor}` : lt(corrections.id, options.cursor),
      ),
    )
    .orderBy(pending ? asc(corrections.id) : desc(corrections.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), next: rows.length > limit ? rows[limit - 1]!.id : null };
}

/** A correction with its ticket's vouchers, or null when it does not exist or is out of the staff member's scope. */
export async function correctionDetail(staff: StaffPrincipal, id: number) {
  const [row] = await correctionRows()
    .where(and(eq(corrections.id, id), scopeOf(staff)))
    .limit(1);
  if (!row) return null;
  return { ...row, vouchers: await ticketVouchers(row.ticketId), decisionRefusal: decisionRefusal(staff, row) };
}

/** The bytes of one proof, for a staff member who may work its ticket (the same scope as preparing a correction). */
export async function ticketVoucher(staff: StaffPrincipal, attachmentId: number) {
  const [row] = await db()
    .select({ storageKey: ticketAttachments.storageKey, contentType: ticketAttachments.contentType, queue: tickets.queue })
    .from(ticketAttachments)
    .innerJoin(tickets, eq(tickets.id, ticketAttachments.ticketId))
    .where(eq(ticketAttachments.id, attachmentId))
    .limit(1);
  if (!row || prepareRefusal(staff, row.queue) !== null) return null;
  const bytes = await proofStorage().get(row.storageKey);
  return bytes ? { contentType: row.contentType, extension: row.storageKey.split(".").pop()!, bytes } : null;
}

/**
 * Approve or reject. Refused (and audited as refused) for the preparer, for a
 * role the rules do not allow, for a version that moved on, and — for an
 * approval — when the receipt no longer admits the correction.
 */
export async function decideCorrection(
  staff: StaffPrincipal,
  input: { id: number; version: number; decision: "approve" | "reject"; note: string },
  now: Date,
): Promise<CorrectionResult> {
  const action = `correction.${input.decision}`;
  return db().transaction(async (tx) => {
    const refuse = async (code: Exclude<CorrectionResult, { ok: true }>["code"]): Promise<CorrectionResult> => {
      await recordAudit(tx, { actor: staffActor(staff.id), action, objectType: "correction", objectId: input.id, outcome: "refused", detail: { code } });
      return { ok: false, code };
    };
    const [c] = await tx
      .select({ kind: corrections.kind, status: corrections.status, version: corrections.version, preparedBy: corrections.preparedBy, receiptId: corrections.receiptId, amountFen: corrections.amountFen, paidAt: corrections.paidAt })
      .from(corrections)
      .innerJoin(tickets, eq(tickets.id, corrections.ticketId))
      .where(and(eq(corrections.id, input.id), scopeOf(staff)))
      .limit(1);
    if (!c) return refuse("not_found");
    const refusal = decisionRefusal(staff, c);
    if (refusal) return refuse(refusal);
    if (c.status !== "pending" || c.version !== input.version) return refuse("stale");

    if (input.decision === "approve") {
      // Locked until commit: the receipt cannot change between this check and the effect.
      const [receipt] = await tx
        .select({ billingStatus: receipts.billingStatus, amountDueFen: receipts.amountDueFen, amountPaidFen: receipts.amountPaidFen, settledFen: settledFen() })
        .from(receipts)
        .where(eq(receipts.id, c.receiptId))
        .for("update");
      const wanted = c.kind === "refund" ? { kind: c.kind, amountFen: c.amountFen } : { kind: c.kind, amountFen: c.amountFen, paidAt: c.paidAt! };
      const effectRefusal = correctionRefusal(receipt!, wanted, now);
      if (effectRefusal) return refuse(effectRefusal);
    }

    // The version check is in the UPDATE itself: of two approvers, exactly one row update succeeds.
    const [decided] = await tx
      .update(corrections)
      .set({ status: input.decision === "approve" ? "approved" : "rejected", decidedBy: staff.id, decidedAt: now, decisionNote: input.note || null, version: sql`${corrections.version} + 1` })
      .where(and(eq(corrections.id, input.id), eq(corrections.version, input.version), eq(corrections.status, "pending")))
      .returning();
    if (!decided) return refuse("stale");
    await timelineEvent(tx, {
      ticketId: decided.ticketId,
      staff,
      now,
      kind: input.decision === "approve" ? "correction_approved" : "correction_rejected",
      correction: decided.id,
      correctionKind: decided.kind,
      amountFen: decided.amountFen,
      body: input.note || null,
    });

    if (input.decision === "approve" && decided.kind === "refund") {
      await tx.update(receipts).set({ billingStatus: "refund_pending", refundAmountFen: decided.amountFen, updatedAt: now }).where(eq(receipts.id, decided.receiptId));
    } else if (input.decision === "approve") {
      await tx
        .update(receipts)
        .set({ billingStatus: "paid", amountPaidFen: decided.amountFen, channel: decided.channel!, paidAt: decided.paidAt, bankRef: decided.bankRef, updatedAt: now })
        .where(eq(receipts.id, decided.receiptId));
    }
    await recordAudit(tx, {
      actor: staffActor(staff.id),
      action,
      objectType: "correction",
      objectId: input.id,
      outcome: "ok",
      detail: { kind: decided.kind, receiptId: decided.receiptId, amountFen: decided.amountFen },
    });
    return { ok: true, id: input.id };
  });
}

/** An approved refund was paid out: the receipt moves from refund_pending to refunded. */
export async function markRefundPaidOut(staff: StaffPrincipal, input: { id: number; version: number }, now: Date): Promise<CorrectionResult> {
  return db().transaction(async (tx) => {
    const refuse = async (code: Exclude<CorrectionResult, { ok: true }>["code"]): Promise<CorrectionResult> => {
      await recordAudit(tx, { actor: staffActor(staff.id), action: "correction.paid_out", objectType: "correction", objectId: input.id, outcome: "refused", detail: { code } });
      return { ok: false, code };
    };
    if (staff.role === "admin") return refuse("forbidden");
    const [c] = await tx
      .select({ kind: corrections.kind, status: corrections.status, version: corrections.version, paidOutAt: corrections.paidOutAt, ticketId: corrections.ticketId, receiptId: corrections.receiptId, amountFen: corrections.amountFen, billingStatus: receipts.billingStatus })
      .from(corrections)
      .innerJoin(tickets, eq(tickets.id, corrections.ticketId))
      .innerJoin(receipts, eq(receipts.id, corrections.receiptId))
      .where(and(eq(corrections.id, input.id), scopeOf(staff)))
      .for("update", { of: receipts })
      .limit(1);
    if (!c) return refuse("not_found");
    if (c.kind !== "refund" || c.status !== "approved" || c.paidOutAt !== null || c.version !== input.version) return refuse("stale");
    // Billing may have recorded the refund itself meanwhile (an import): then there is nothing left to mark.
    if (c.billingStatus !== "refund_pending") return refuse("not_refundable");
    const [done] = await tx
      .update(corrections)
      .set({ paidOutBy: staff.id, paidOutAt: now, version: sql`${corrections.version} + 1` })
      .where(and(eq(corrections.id, input.id), eq(corrections.version, input.version)))
      .returning({ id: corrections.id });
    if (!done) return refuse("stale");
    await tx.update(receipts).set({ billingStatus: "refunded", refundedAt: now, updatedAt: now }).where(eq(receipts.id, c.receiptId));
    await timelineEvent(tx, { ticketId: c.ticketId, staff, now, kind: "correction_paid_out", correction: input.id, correctionKind: c.kind, amountFen: c.amountFen });
    await recordAudit(tx, { actor: staffActor(staff.id), action: "correction.paid_out", objectType: "correction", objectId: input.id, outcome: "ok", detail: { receiptId: c.receiptId, amountFen: c.amountFen } });
    return { ok: true, id: input.id };
  });
}

/** Sum of the settlement lines matched to the receipt in the current row. */
function settledFen() {
  return sql<number>`(select coalesce(sum(l.amount_fen), 0) from ${matches} m join ${settlementLines} l on l.id = m.settlement_line_id where m.receipt_id = "receipts"."id")`.mapWith(Number);
}

function ticketReceipt(t: { billingStatus: BillingStatus | null; amountDueFen: number | null; amountPaidFen: number | null; settledFen: number }) {
  return { billingStatus: t.billingStatus!, amountDueFen: t.amountDueFen!, amountPaidFen: t.amountPaidFen, settledFen: t.settledFen };
}

/** Each step of a correction is also an internal event on its ticket's timeline, written in the same transaction. */
async function timelineEvent(
  tx: Tx,
  e: { ticketId: number; staff: StaffPrincipal; now: Date; kind: string; correction: number; correctionKind: string; amountFen: number; body?: string | null },
): Promise<void> {
  await tx.insert(ticketEvents).values({
    ticketId: e.ticketId,
    at: e.now,
    actor: "staff",
    staffId: e.staff.id,
    kind: e.kind,
    public: false,
    body: e.body ?? null,
    data: { correction: e.correction, correctionKind: e.correctionKind, amountFen: e.amountFen },
  });
}
