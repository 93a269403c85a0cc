import "server-only";
import { and, asc, eq, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { canSeeQueue } from "@/lib/auth/roles";
import { channelForContact, notificationLocale, type NotificationKind } from "@/lib/notifications/types";
import type { TicketQueue } from "@/lib/routing";
import type { PaymentStatus } from "@/lib/status";
import { ACTIVE_STATUSES, actionAllowed } from "@/lib/ticket-desk";
import { db, type Tx } from "../client";
import { channelBatchMembers, channels, matches, receipts, services, settlementLines, staff as staffTable, ticketAttachments, ticketEvents, tickets } from "../schema";
import { recordAudit, staffActor } from "./audit";
import { candidateLines, type CandidateLine, type SettlementLineView } from "./manual-match";
import { enqueueNotification } from "./outbox";
import { proofStorage } from "./proof-storage";
import { agentsOfQueue, leastLoadedAgent } from "./queues";
import type { StaffPrincipal } from "./staff";
import { publicStatus } from "./status";

/**
 * The staff side of one ticket (issue 6): everything a clerk needs on one
 * page — the resident's details unmasked (so each view is audited), the
 * payment and its derived status, settlement lines and candidates, proofs and
 * the whole timeline — and every action on it. Scope is checked here, not
 * only in the page: an agent reaches tickets of their own queues only.
 */

type TicketRow = typeof tickets.$inferSelect;

export type StaffTicketView = {
  ticket: TicketRow & { assigneeName: string | null; mergedIntoRef: string | null };
  receipt: {
    id: number;
    receiptNo: string;
    serviceZh: string;
    serviceEn: string;
    payerName: string;
    payerPhone: string | null;
    amountDueFen: number;
    amountPaidFen: number | null;
    channel: string;
    channelZh: string;
    channelEn: string;
    lagDays: number;
    cutoff: string;
    paidAt: Date | null;
    bankRef: string | null;
    billingStatus: string;
  } | null;
  /** Derived now, the same way the resident's page derives it. */
  status: PaymentStatus | null;
  /**
   * Matched lines with gross, fee and net (issue 16): net is the line; gross and fee are the match's (none recorded: the
   * line's amount and 0). A batch credit also carries the receipt's share (its gross and fee in the batch).
   */
  lines: (SettlementLineView & {
    method: string;
    matchedBy: string | null;
    grossFen: number;
    feeFen: number;
    /** Matched within the amount tolerance (match_rules.tolerance_fen): the line's amount minus the amount due; null: none. */
    differenceFen: number | null;
    batchId: number | null;
    share: { grossFen: number; feeFen: number } | null;
  })[];
  candidates: CandidateLine[];
  attachments: { id: number; eventId: number | null; contentType: string; sizeBytes: number; alsoOnReceiptNo: string | null }[];
  events: { id: number; at: Date; actor: string; staffName: string | null; kind: string; public: boolean; body: string | null; data: Record<string, string | number | null> }[];
  /** Agents of the ticket's queue with their load, for supervisors assigning by hand. */
  agents: { id: number; name: string; email: string; load: number }[];
};

/**
 * One ticket for a staff member, with one audit event per view (the page
 * shows the resident's contact and name unmasked). Null when the ticket does
 * not exist or is outside the caller's queues — the same answer for both, and
 * the refusal is audited too.
 */
export async function staffTicket(ref: string, staff: StaffPrincipal, options: { now: Date; timeZone: string }): Promise<StaffTicketView | null> {
  const assignee = alias(staffTable, "assignee");
  const merged = alias(tickets, "merged_into");
  const [row] = await db()
    .select({ ticket: tickets, assigneeName: assignee.name, mergedIntoRef: merged.ref })
    .from(tickets)
    .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
    .leftJoin(merged, eq(merged.id, tickets.mergedIntoId))
    .where(eq(tickets.ref, ref))
    .limit(1);
  if (!row || !canSeeQueue(staff, row.ticket.queue)) {
    if (row) await recordAudit(db(), { actor: staffActor(staff.id), action: "ticket.view", objectType: "ticket", objectId: ref, outcome: "refused", detail: { queue: row.ticket.queue } });
    return null;
  }
  const ticket = { ...row.ticket, assigneeName: row.assigneeName, mergedIntoRef: row.mergedIntoRef };
  const [receipt] = ticket.receiptNo
    ? await db()
        .select({
          id: receipts.id,
          receiptNo: receipts.receiptNo,
          serviceZh: services.nameZh,
          serviceEn: services.nameEn,
          payerName: receipts.payerName,
          payerPhone: receipts.payerPhone,
          amountDueFen: receipts.amountDueFen,
          amountPaidFen: receipts.amountPaidFen,
          channel: receipts.channel,
          channelZh: channels.nameZh,
          channelEn: channels.nameEn,
          lagDays: channels.lagDays,
          cutoff: channels.cutoff,
          paidAt: receipts.paidAt,
          bankRef: receipts.bankRef,
          billingStatus: receipts.billingStatus,
        })
        .from(receipts)
        .innerJoin(channels, eq(channels.code, receipts.channel))
        .innerJoin(services, eq(services.code, receipts.service))
        .where(eq(receipts.receiptNo, ticket.receiptNo))
        .limit(1)
    : [];

  const eventStaff = alias(staffTable, "event_staff");
  const [current, lines, candidates, attachments, events, agents] = await Promise.all([
    ticket.receiptNo ? publicStatus(ticket.receiptNo, options) : null,
    receipt
      ? db()
          .select({
            id: settlementLines.id,
            bankRef: settlementLines.bankRef,
            amountFen: settlementLines.amountFen,
            valueDate: settlementLines.valueDate,
            channel: settlementLines.channel,
            payerAccount: settlementLines.payerAccount,
            remittance: settlementLines.remittance,
            method: matches.method,
            matchedBy: matches.matchedBy,
            grossFen: matches.grossFen,
            feeFen: matches.feeFen,
            differenceFen: matches.differenceFen,
            batchId: matches.batchId,
            shareGrossFen: channelBatchMembers.grossFen,
            shareFeeFen: channelBatchMembers.feeFen,
          })
          .from(matches)
          .innerJoin(settlementLines, eq(settlementLines.id, matches.settlementLineId))
          // a batch credit that paid this receipt among others (issue 16), with the receipt's share of it
          .leftJoin(channelBatchMembers, eq(channelBatchMembers.batchId, matches.batchId))
          .where(or(eq(matches.receiptId, receipt.id), eq(channelBatchMembers.receiptId, receipt.id)))
          .orderBy(asc(settlementLines.valueDate), asc(settlementLines.id))
      : [],
    receipt ? candidateLines(receipt.id, { timeZone: options.timeZone }) : [],
    db()
      .select({
        id: ticketAttachments.id,
        eventId: ticketAttachments.eventId,
        contentType: ticketAttachments.contentType,
        sizeBytes: ticketAttachments.sizeBytes,
        alsoOnReceiptNo: ticketAttachments.alsoOnReceiptNo,
      })
      .from(ticketAttachments)
      .where(eq(ticketAttachments.ticketId, ticket.id))
      .orderBy(asc(ticketAttachments.id)),
    db()
      .select({
        id: ticketEvents.id,
        at: ticketEvents.at,
        actor: ticketEvents.actor,
        staffName: eventStaff.name,
        kind: ticketEvents.kind,
        public: ticketEvents.public,
        body: ticketEvents.body,
        data: ticketEvents.data,
      })
      .from(ticketEvents)
      .leftJoin(eventStaff, eq(eventStaff.id, ticketEvents.staffId))
      .where(eq(ticketEvents.ticketId, ticket.id))
      .orderBy(asc(ticketEvents.at), asc(ticketEvents.id)),
    staff.role === "agent" ? [] : agentsOfQueue(ticket.queue),
  ]);
  await recordAudit(db(), { actor: staffActor(staff.id), action: "ticket.view", objectType: "ticket", objectId: ticket.ref, outcome: "ok" });
  return {
    ticket,
    receipt: receipt ?? null,
    status: current?.status ?? (ticket.receiptNo ? { code: "not_found" } : null),
    lines: lines.map(({ shareGrossFen, shareFeeFen, ...l }) => ({
      ...l,
      amountFen: Number(l.amountFen),
      grossFen: Number(l.grossFen ?? l.amountFen),
      feeFen: Number(l.feeFen ?? 0),
      differenceFen: l.differenceFen === null ? null : Number(l.differenceFen),
      share: l.batchId !== null && shareGrossFen !== null ? { grossFen: Number(shareGrossFen), feeFen: Number(shareFeeFen ?? 0) } : null,
    })),
    candidates,
    attachments,
    events,
    agents,
  };
}

/** A proof of a ticket the staff member may see; null otherwise. The route handler serves it as a download. */
export async function staffAttachment(ref: string, attachmentId: number, staff: StaffPrincipal, purpose: "download" | "preview" = "download") {
  const [row] = await db()
    .select({ storageKey: ticketAttachments.storageKey, contentType: ticketAttachments.contentType, queue: tickets.queue })
    .from(ticketAttachments)
    .innerJoin(tickets, eq(tickets.id, ticketAttachments.ticketId))
    .where(and(eq(tickets.ref, ref), eq(ticketAttachments.id, attachmentId)))
    .limit(1);
  if (!row || !canSeeQueue(staff, row.queue)) return null;
  const bytes = await proofStorage().get(row.storageKey);
  if (!bytes) return null;
  await recordAudit(db(), { actor: staffActor(staff.id), action: "ticket.attachment_download", objectType: "ticket", objectId: ref, outcome: "ok", detail: purpose === "preview" ? { attachmentId, preview: true } : { attachmentId } });
  return { bytes, contentType: row.contentType, storageKey: row.storageKey };
}

export type TicketActionInput =
  | { kind: "claim" }
  | { kind: "assign"; assigneeId: number | "auto" }
  | { kind: "reply"; body: string }
  | { kind: "note"; body: string }
  | { kind: "ask_info"; body: string }
  | { kind: "transfer"; queue: TicketQueue }
  | { kind: "merge"; intoRef: string }
  | { kind: "resolve"; body?: string }
  | { kind: "close" };

export type TicketActionCode =
  /** Someone acted on the ticket since the form was rendered: reload and look again. */
  | "stale"
  /** Not in this status (a closed ticket cannot be resolved, and so on), or not for this role. */
  | "not_allowed"
  /** No such ticket, or not in the caller's queues. */
  | "not_found"
  /** The queue has no agent to assign to, or the named staff member does not work it. */
  | "no_agent"
  /** The ticket to merge into does not exist, is not visible, is not open, or is this ticket. */
  | "bad_target";

export type TicketActionResult = { ok: true; ref: string } | { ok: false; code: TicketActionCode };

/**
 * Every staff action on a ticket, in one transaction: lock the row, check
 * scope, the version the form saw, and the status; change the ticket, add the
 * timeline event, the notification if the resident is told, and the audit
 * event — or nothing at all. `baseUrl` builds the tracking link in
 * notifications (never the secret).
 */
export async function actOnTicket(
  request: { ref: string; version: number; staff: StaffPrincipal; now: Date; baseUrl: string },
  input: TicketActionInput,
): Promise<TicketActionResult> {
  const { ref, version, staff, now } = request;
  return db().transaction(async (tx) => {
    const [ticket] = await tx.select().from(tickets).where(eq(tickets.ref, ref)).for("update").limit(1);
    if (!ticket) return { ok: false, code: "not_found" };
    const refuse = async (code: TicketActionCode): Promise<TicketActionResult> => {
      await recordAudit(tx, { actor: staffActor(staff.id), action: `ticket.${input.kind}`, objectType: "ticket", objectId: ref, outcome: "refused", detail: { code } });
      return { ok: false, code };
    };
    // Outside the caller's queues: the same answer as a ticket that does not exist (and the attempt is on record).
    if (!canSeeQueue(staff, ticket.queue)) return refuse("not_found");
    // Optimistic check: the version the form carried must still be the ticket's.
    if (ticket.version !== version) return refuse("stale");
    if (!actionAllowed(input.kind, ticket.status)) return refuse("not_allowed");

    const change = await changeFor(tx, ticket, input, staff, now);
    if ("refused" in change) return refuse(change.refused);
    const nextVersion = ticket.version + 1;
    await tx
      .update(tickets)
      .set({ ...change.set, version: nextVersion, updatedAt: now })
      .where(and(eq(tickets.id, ticket.id), eq(tickets.version, version)));
    await tx.insert(ticketEvents).values({ ticketId: ticket.id, at: now, actor: "staff", staffId: staff.id, body: null, data: {}, ...change.event });
    if (change.notify) {
      await enqueueNotification(tx, {
        channel: channelForContact(ticket.payerContact),
        dedupeKey: `${change.notify}:${ticket.ref}:v${nextVersion}`,
        payload: {
          kind: change.notify,
          ticketRef: ticket.ref,
          locale: notificationLocale(ticket.locale),
          to: ticket.payerContact,
          trackingUrl: new URL(`/t/${ticket.ref}`, request.baseUrl).toString(),
        },
      });
    }
    await recordAudit(tx, { actor: staffActor(staff.id), action: `ticket.${input.kind}`, objectType: "ticket", objectId: ref, outcome: "ok", detail: change.audit ?? {} });
    return { ok: true, ref: ticket.ref };
  });
}

type Change =
  | {
      set: Partial<TicketRow>;
      event: { kind: string; public: boolean; body?: string | null; data?: Record<string, string | number | null> };
      notify?: NotificationKind;
      audit?: Record<string, string | number | boolean | null>;
    }
  | { refused: TicketActionCode };

async function changeFor(tx: Tx, ticket: TicketRow, input: TicketActionInput, staff: StaffPrincipal, now: Date): Promise<Change> {
  switch (input.kind) {
    case "claim":
      if (ticket.assigneeId === staff.id) return { refused: "not_allowed" };
      // An agent takes unassigned work; taking a colleague's ticket is a supervisor's reassignment.
      if (ticket.assigneeId !== null && staff.role === "agent") return { refused: "not_allowed" };
      return { set: { assigneeId: staff.id }, event: { kind: "claimed", public: false, data: { assigneeId: staff.id } }, audit: { assigneeId: staff.id } };
    case "assign": {
      if (staff.role === "agent") return { refused: "not_allowed" };
      let assigneeId: number;
      if (input.assigneeId === "auto") {
        const agent = await leastLoadedAgent(ticket.queue, tx);
        if (!agent) return { refused: "no_agent" };
        assigneeId = agent.id;
      } else {
        if (!(await agentsOfQueue(ticket.queue, tx)).some((a) => a.id === input.assigneeId)) return { refused: "no_agent" };
        assigneeId = input.assigneeId;
      }
      return {
        set: { assigneeId },
        event: { kind: "assigned", public: false, data: { assigneeId, auto: input.assigneeId === "auto" ? 1 : 0 } },
        audit: { assigneeId, auto: input.assigneeId === "auto" },
      };
    }
    case "reply":
      return { set: {}, event: { kind: "reply", public: true, body: input.body }, notify: "staff_replied" };
    case "note":
      return { set: {}, event: { kind: "note", public: false, body: input.body } };
    case "ask_info":
      // The SLA clock stops here; residentReply moves the due time out by the business days it stood still.
      return { set: { status: "waiting_on_payer", pausedAt: now }, event: { kind: "info_requested", public: true, body: input.body }, notify: "info_requested" };
    case "transfer":
      if (input.queue === ticket.queue) return { refused: "not_allowed" };
      return {
        set: { queue: input.queue, assigneeId: null },
        event: { kind: "transferred", public: false, data: { from: ticket.queue, to: input.queue } },
        audit: { from: ticket.queue, to: input.queue },
      };
    case "merge": {
      const [target] = await tx
        .select({ id: tickets.id, ref: tickets.ref, queue: tickets.queue, status: tickets.status })
        .from(tickets)
        .where(eq(tickets.ref, input.intoRef))
        .for("update")
        .limit(1);
      if (!target || target.id === ticket.id || !canSeeQueue(staff, target.queue) || !(ACTIVE_STATUSES as readonly string[]).includes(target.status)) {
        return { refused: "bad_target" };
      }
      await tx.insert(ticketEvents).values({ ticketId: target.id, at: now, actor: "staff", staffId: staff.id, kind: "merged_from", public: false, data: { ref: ticket.ref } });
      await tx.update(tickets).set({ version: sql`${tickets.version} + 1`, updatedAt: now }).where(eq(tickets.id, target.id));
      return {
        set: { status: "closed", mergedIntoId: target.id, pausedAt: null, resolvedAt: now },
        event: { kind: "merged", public: true, data: { into: target.ref } },
        audit: { into: target.ref },
      };
    }
    case "resolve":
      return {
        set: { status: "resolved", resolvedAt: now, pausedAt: null },
        event: { kind: "resolved", public: true, body: input.body ?? null },
        notify: "ticket_resolved",
      };
    case "close":
      return { set: { status: "closed", pausedAt: null, resolvedAt: ticket.resolvedAt ?? now }, event: { kind: "closed", public: true } };
  }
}

