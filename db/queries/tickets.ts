import "server-only";
import { and, asc, desc, eq, inArray, isNull, notInArray } from "drizzle-orm";
import { routeTicket, type TicketCategory } from "@/lib/routing";
import { env } from "@/lib/env";
import { slaDueAt } from "@/lib/sla";
import { resumedDueAt } from "@/lib/ticket-desk";
import type { StatusCode } from "@/lib/status";
import { formTrackingSecret, hashTrackingSecret, isPoorRating, newTicketRef, REPLAY_WINDOW_MS, trackingSecretMatches } from "@/lib/tickets";
import type { VerifiedProof } from "@/lib/uploads/verify-proof";
import { db, type Executor, type Tx } from "../client";
import { receipts, services, ticketAttachments, ticketEvents, tickets } from "../schema";
import { recordAudit } from "./audit";
import { loadCalendar } from "./calendar";
import { enqueueNotification } from "./outbox";
import { findReceiptSharingProof, newStorageKey, proofStorage } from "./proof-storage";
import { publicStatus } from "./status";

export type OpenTicketInput = {
  receiptNo: string;
  category: TicketCategory;
  description: string;
  contact: { kind: "phone" | "email"; value: string };
  idempotencyKey: string;
  locale: "zh-CN" | "en";
  proofs: VerifiedProof[];
  now: Date;
  timeZone: string;
  /** Origin for the clean tracking URL in notifications (never the secret). */
  baseUrl: string;
  /**
   * Sent from the lookup's "still can't find it?" (issue 18) by someone who has NOT proven access to the
   * receipt: always routed as not_found with proof (→ data_entry), never joined to the receipt's record or
   * to another open ticket, so its answer says nothing about whether the receipt exists. The number the
   * resident typed goes into the description for staff.
   */
  withoutAccess?: boolean;
};

export type OpenTicketResult =
  /** `secret` goes to the resident once (cookie + link); only its hash is stored. */
  | { kind: "created"; ref: string; secret: string; status: StatusCode }
  /**
   * The same rendered form arrived again (double tap, retry) within REPLAY_WINDOW_MS, for the same receipt
   * and category: the same ticket and the same (form-derived) secret; the owner's is never rotated.
   */
  | { kind: "replayed"; ref: string; secret?: string; status: StatusCode }
  /** The form's key is known but for another receipt or category, or too old: nothing is revealed. */
  | { kind: "stale_form" }
  /** An open ticket for this receipt and category exists: the message and proofs were added to it. */
  | { kind: "existing"; ref: string }
  | { kind: "answer"; reason: "posted" | "awaiting_bank" }
  | { kind: "needs_proof" };

const OPEN_STATUSES = ["open", "waiting_on_payer", "waiting_on_settlement"] as const;

/**
 * SPEC §2.3 in one transaction: re-derive the payment status now, route it,
 * and store the ticket, its first events, its proofs and the notification —
 * or nothing at all. Safe against double submission: the form's idempotency
 * key and the one-open-ticket-per-receipt-and-category index are both unique,
 * so a racing duplicate fails and is retried once into the replay path.
 */
export async function openTicket(input: OpenTicketInput): Promise<OpenTicketResult> {
  try {
    return await db().transaction((tx) => openTicketIn(tx, input));
  } catch (error) {
    if ((error as { code?: string; cause?: { code?: string } }).code !== "23505" && (error as { cause?: { code?: string } }).cause?.code !== "23505") throw error;
    return await db().transaction((tx) => openTicketIn(tx, input));
  }
}

async function openTicketIn(tx: Tx, input: OpenTicketInput): Promise<OpenTicketResult> {
  const [replay] = await tx
    .select({ id: tickets.id, ref: tickets.ref, paymentStatus: tickets.paymentStatus, receiptNo: tickets.receiptNo, category: tickets.category, createdAt: tickets.createdAt, trackingTokenHash: tickets.trackingTokenHash })
    .from(tickets)
    .where(eq(tickets.idempotencyKey, input.idempotencyKey))
    .limit(1);
  if (replay) {
    const sameProblem = replay.receiptNo === (input.withoutAccess ? null : input.receiptNo) && replay.category === input.category;
    if (!sameProblem || input.now.getTime() - replay.createdAt.getTime() > REPLAY_WINDOW_MS) return { kind: "stale_form" };
    const secret = formTrackingSecret(env().AUTH_SECRET, replay.ref, input.idempotencyKey);
    // Tickets made before form-derived secrets (or whose secret was reissued) get the ref only.
    return { kind: "replayed", ref: replay.ref, secret: trackingSecretMatches(secret, replay.trackingTokenHash) ? secret : undefined, status: replay.paymentStatus as StatusCode };
  }

  const current = input.withoutAccess ? null : await publicStatus(input.receiptNo, { now: input.now, timeZone: input.timeZone }, tx);
  const status = current?.status ?? ({ code: "not_found" } as const);
  const routing = routeTicket(status.code, input.category, input.proofs.length > 0);
  if (routing.kind === "answer") return { kind: "answer", reason: routing.reason };
  if (routing.kind === "needs_proof") return { kind: "needs_proof" };

  const [existing] = input.withoutAccess
    ? []
    : await tx
        .select({ id: tickets.id, ref: tickets.ref })
        .from(tickets)
        .where(and(eq(tickets.receiptNo, input.receiptNo), eq(tickets.category, input.category), inArray(tickets.status, [...OPEN_STATUSES]), isNull(tickets.mergedIntoId)))
        .limit(1);
  if (existing) {
    const [event] = await tx
      .insert(ticketEvents)
      .values({ ticketId: existing.id, at: input.now, actor: "resident", kind: "resident_reply", public: true, body: input.description })
      .returning({ id: ticketEvents.id });
    await attachProofs(tx, existing.id, event!.id, input.receiptNo, input.proofs);
    await tx.update(tickets).set({ updatedAt: input.now }).where(eq(tickets.id, existing.id));
    return { kind: "existing", ref: existing.ref };
  }

  const [receipt] = input.withoutAccess ? [] : await tx.select({ id: receipts.id }).from(receipts).where(eq(receipts.receiptNo, input.receiptNo)).limit(1);
  const description = input.withoutAccess ? `${reportedReceiptLine(input.locale, input.receiptNo)}\n${input.description}` : input.description;
  const calendar = await loadCalendar(tx);
  const ref = newTicketRef();
  const secret = formTrackingSecret(env().AUTH_SECRET, ref, input.idempotencyKey);
  const [ticket] = await tx
    .insert(tickets)
    .values({
      ref,
      receiptNo: input.withoutAccess ? null : input.receiptNo,
      receiptId: receipt?.id ?? null,
      category: input.category,
      status: routing.status,
      queue: routing.queue,
      priority: routing.priority,
      paymentStatus: status.code,
      expectedDate: "expectedDate" in status ? status.expectedDate : null,
      dueAt: routing.slaBusinessDays === null ? null : slaDueAt(input.now, routing.slaBusinessDays, calendar, input.timeZone),
      incidentId: current?.incidents[0]?.id ?? null,
      description,
      payerContact: input.contact.value,
      locale: input.locale,
      trackingTokenHash: hashTrackingSecret(secret),
      idempotencyKey: input.idempotencyKey,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning({ id: tickets.id });
  const [event] = await tx
    .insert(ticketEvents)
    .values({
      ticketId: ticket!.id,
      at: input.now,
      actor: "resident",
      kind: "created",
      public: true,
      body: description,
      data: { queue: routing.queue, paymentStatus: status.code, ...(input.withoutAccess ? { reportedReceiptNo: input.receiptNo } : {}) },
    })
    .returning({ id: ticketEvents.id });
  await attachProofs(tx, ticket!.id, event!.id, input.receiptNo, input.proofs);
  await enqueueNotification(tx, {
    channel: input.contact.kind === "email" ? "email" : "webhook",
    dedupeKey: `ticket_created:${ref}`,
    payload: { kind: "ticket_created", ticketRef: ref, locale: input.locale, to: input.contact.value, trackingUrl: new URL(`/t/${ref}`, input.baseUrl).toString() },
  });
  await recordAudit(tx, { actor: "resident", action: "ticket.create", objectType: "ticket", objectId: ref, outcome: "ok", detail: { queue: routing.queue, paymentStatus: status.code, proofs: input.proofs.length, withoutAccess: !!input.withoutAccess } });
  return { kind: "created", ref, secret, status: status.code };
}

/** The typed receipt number at the head of a report sent without access (staff read it to re-enter the record). */
const reportedReceiptLine = (locale: "zh-CN" | "en", receiptNo: string) => (locale === "en" ? `Receipt number given: ${receiptNo}` : `居民填写的收据号：${receiptNo}`);

/** Stores proofs in the caller's transaction and links them to the event that brought them. */
async function attachProofs(tx: Tx, ticketId: number, eventId: number, receiptNo: string | null, proofs: VerifiedProof[]): Promise<void> {
  const storage = proofStorage();
  for (const proof of proofs) {
    const key = newStorageKey(proof.extension);
    await storage.put(key, proof.bytes, tx);
    await tx.insert(ticketAttachments).values({
      ticketId,
      eventId,
      storageKey: key,
      contentType: proof.contentType,
      sizeBytes: proof.bytes.length,
      sha256: proof.sha256,
      originalSha256: proof.originalSha256,
      alsoOnReceiptNo: await findReceiptSharingProof(proof.originalSha256, receiptNo, tx),
    });
  }
}

/** A ticket as its holder sees it: public events only, no contact details. */
export type TrackedTicket = {
  id: number;
  ref: string;
  receiptNo: string | null;
  category: TicketCategory;
  status: (typeof tickets.$inferSelect)["status"];
  queue: string;
  createdAt: Date;
  resolvedAt: Date | null;
  /** SLA due time (null: waiting on settlement, which closes by itself) and when the clock was paused. */
  dueAt: Date | null;
  pausedAt: Date | null;
  expectedDate: string | null;
  /** What the status page shows of the receipt (masked), for tickets joined to a receipt record. */
  receipt: { serviceZh: string; serviceEn: string; amountDueFen: number; amountPaidFen: number | null; paidAt: Date | null } | null;
  rating: number | null;
  events: { id: number; at: Date; actor: string; kind: string; body: string | null; data: Record<string, string | number | null>; attachments: { id: number; contentType: string; sizeBytes: number }[] }[];
};

/** Loads a ticket only for the holder of its tracking secret; anyone else gets null, whatever the reason. */
export async function ticketForHolder(ref: string, secret: string | undefined, tx: Executor = db()): Promise<TrackedTicket | null> {
  const [ticket] = await tx.select().from(tickets).where(eq(tickets.ref, ref)).limit(1);
  if (!ticket || !trackingSecretMatches(secret, ticket.trackingTokenHash)) return null;
  const events = await tx
    .select({ id: ticketEvents.id, at: ticketEvents.at, actor: ticketEvents.actor, kind: ticketEvents.kind, body: ticketEvents.body, data: ticketEvents.data })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.public, true)))
    .orderBy(asc(ticketEvents.at), asc(ticketEvents.id));
  const attachments = await tx
    .select({ id: ticketAttachments.id, eventId: ticketAttachments.eventId, contentType: ticketAttachments.contentType, sizeBytes: ticketAttachments.sizeBytes })
    .from(ticketAttachments)
    .where(eq(ticketAttachments.ticketId, ticket.id))
    .orderBy(asc(ticketAttachments.id));
  return {
    id: ticket.id,
    ref: ticket.ref,
    receiptNo: ticket.receiptNo,
    category: ticket.category,
    status: ticket.status,
    queue: ticket.queue,
    createdAt: ticket.createdAt,
    resolvedAt: ticket.resolvedAt,
    dueAt: ticket.dueAt,
    pausedAt: ticket.pausedAt,
    expectedDate: ticket.expectedDate,
    receipt: ticket.receiptId === null ? null : await trackedReceipt(ticket.receiptId, tx),
    rating: ticket.rating,
    events: events.map((e) => ({ ...e, attachments: attachments.filter((a) => a.eventId === e.id) })),
  };
}

async function trackedReceipt(receiptId: number, tx: Executor): Promise<TrackedTicket["receipt"]> {
  const [row] = await tx
    .select({ serviceZh: services.nameZh, serviceEn: services.nameEn, amountDueFen: receipts.amountDueFen, amountPaidFen: receipts.amountPaidFen, paidAt: receipts.paidAt })
    .from(receipts)
    .innerJoin(services, eq(services.code, receipts.service))
    .where(eq(receipts.id, receiptId))
    .limit(1);
  return row ?? null;
}

/**
 * The recovery path (issue 18): tickets made for a receipt, for a caller who has just proven access to
 * that receipt (its QR token or a lookup with the right amount — the page checks that first). Merged
 * tickets and those reported without access are not listed.
 */
export async function ticketsForReceipt(receiptNo: string): Promise<{ ref: string; status: TrackedTicket["status"]; category: TicketCategory; createdAt: Date }[]> {
  return db()
    .select({ ref: tickets.ref, status: tickets.status, category: tickets.category, createdAt: tickets.createdAt })
    .from(tickets)
    .where(and(eq(tickets.receiptNo, receiptNo), isNull(tickets.mergedIntoId)))
    .orderBy(desc(tickets.createdAt))
    .limit(20);
}

/**
 * The tracking secret of a receipt's ticket, handed again to someone who has proven access to the receipt.
 * It is the form-derived secret the ticket was made with (never a new one, so the first device keeps its
 * access); null when it cannot be derived any more (retention erased the form key, or it was reissued).
 */
export async function holderSecretForReceipt(receiptNo: string, ref: string): Promise<string | null> {
  const [ticket] = await db()
    .select({ key: tickets.idempotencyKey, hash: tickets.trackingTokenHash })
    .from(tickets)
    .where(and(eq(tickets.ref, ref), eq(tickets.receiptNo, receiptNo), isNull(tickets.mergedIntoId)))
    .limit(1);
  if (!ticket?.key) return null;
  const secret = formTrackingSecret(env().AUTH_SECRET, ref, ticket.key);
  return trackingSecretMatches(secret, ticket.hash) ? secret : null;
}

/** True when the secret opens this ticket (the tracking link handler uses it before setting the cookie). */
export async function holderSecretIsValid(ref: string, secret: string): Promise<boolean> {
  return (await ticketForHolder(ref, secret)) !== null;
}

/** The cheap check before a reply's uploads are read: the secret opens the ticket and staff wait on the resident. */
export async function residentReplyAllowed(ref: string, secret: string | undefined): Promise<boolean> {
  const [ticket] = await db().select({ hash: tickets.trackingTokenHash, status: tickets.status }).from(tickets).where(eq(tickets.ref, ref)).limit(1);
  return !!ticket && trackingSecretMatches(secret, ticket.hash) && ticket.status === "waiting_on_payer";
}

/** The resident answers while staff wait on them: the SLA clock restarts and the ticket goes back to the queue. */
export async function residentReply(ref: string, secret: string | undefined, message: string, proofs: VerifiedProof[], now: Date): Promise<"ok" | "not_allowed"> {
  return db().transaction(async (tx) => {
    const [ticket] = await tx.select().from(tickets).where(eq(tickets.ref, ref)).for("update").limit(1);
    if (!ticket || !trackingSecretMatches(secret, ticket.trackingTokenHash) || ticket.status !== "waiting_on_payer") return "not_allowed";
    const [event] = await tx
      .insert(ticketEvents)
      .values({ ticketId: ticket.id, at: now, actor: "resident", kind: "resident_reply", public: true, body: message })
      .returning({ id: ticketEvents.id });
    await attachProofs(tx, ticket.id, event!.id, ticket.receiptNo, proofs);
    // The SLA clock stood still while waiting on the resident: the due time moves out by the business days the pause took.
    const dueAt = resumedDueAt(ticket.dueAt, ticket.pausedAt, now, await loadCalendar(tx), env().TZ);
    await tx
      .update(tickets)
      .set({ status: "open", pausedAt: null, dueAt, version: ticket.version + 1, updatedAt: now })
      .where(eq(tickets.id, ticket.id));
    await recordAudit(tx, { actor: "resident", action: "ticket.resident_reply", objectType: "ticket", objectId: ticket.ref, outcome: "ok", detail: { proofs: proofs.length } });
    return "ok";
  });
}

/** One-tap rating after resolution; a later tap replaces the earlier one. */
export async function rateTicket(ref: string, secret: string | undefined, rating: number, now: Date): Promise<"ok" | "not_allowed"> {
  return db().transaction(async (tx) => {
    const [ticket] = await tx.select().from(tickets).where(eq(tickets.ref, ref)).limit(1);
    if (!ticket || !trackingSecretMatches(secret, ticket.trackingTokenHash) || !["resolved", "closed"].includes(ticket.status)) return "not_allowed";
    await tx.update(tickets).set({ rating, updatedAt: now }).where(eq(tickets.id, ticket.id));
    await tx.insert(ticketEvents).values({ ticketId: ticket.id, at: now, actor: "resident", kind: "rated", public: false, data: { rating } });
    // 好差评: every 差评 (不满意, 非常不满意) gets a follow-up task for the queue — once per ticket, however often it is tapped.
    if (isPoorRating(rating)) {
      const [already] = await tx
        .select({ id: ticketEvents.id })
        .from(ticketEvents)
        .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, "rating_follow_up")))
        .limit(1);
      if (!already) {
        await tx.insert(ticketEvents).values({ ticketId: ticket.id, at: now, actor: "system", kind: "rating_follow_up", public: false, data: { rating, queue: ticket.queue } });
        await recordAudit(tx, { actor: "resident", action: "ticket.poor_rating", objectType: "ticket", objectId: ticket.ref, outcome: "ok", detail: { rating } });
      }
    }
    return "ok";
  });
}

/** Serves a proof to the ticket holder only (staff read proofs through their own scoped query). */
export async function attachmentForHolder(ref: string, secret: string | undefined, attachmentId: number) {
  const [row] = await db()
    .select({ storageKey: ticketAttachments.storageKey, contentType: ticketAttachments.contentType, hash: tickets.trackingTokenHash })
    .from(ticketAttachments)
    .innerJoin(tickets, eq(tickets.id, ticketAttachments.ticketId))
    .where(and(eq(tickets.ref, ref), eq(ticketAttachments.id, attachmentId)))
    .limit(1);
  if (!row || !trackingSecretMatches(secret, row.hash)) return null;
  const bytes = await proofStorage().get(row.storageKey);
  return bytes ? { bytes, contentType: row.contentType, storageKey: row.storageKey } : null;
}

/** Open tickets of a queue (used by tests and, later, the console). */
export async function unsafeOpenTicketsInQueue(queue: (typeof tickets.$inferSelect)["queue"]) {
  return db()
    .select({ ref: tickets.ref, status: tickets.status, category: tickets.category, receiptNo: tickets.receiptNo, dueAt: tickets.dueAt })
    .from(tickets)
    .where(and(eq(tickets.queue, queue), notInArray(tickets.status, ["resolved", "closed"])))
    .orderBy(asc(tickets.dueAt), asc(tickets.id));
}
