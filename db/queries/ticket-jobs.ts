import "server-only";
import { and, asc, eq, inArray, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { UnknownYearError } from "@/lib/calendar";
import { addDays, zonedParts, type IsoDate } from "@/lib/dates";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { escalatedDueAt, escalationDue } from "@/lib/sla";
import { channelForContact, notificationLocale, type NotificationKind } from "@/lib/notifications/types";
import { db, type Executor } from "../client";
import { receipts, ticketEvents, tickets } from "../schema";
import { loadCalendar } from "./calendar";
import { enqueueNotification } from "./outbox";

/**
 * Background transitions of tickets that wait on settlement (SPEC §2.3): they
 * close themselves when the payment posts, and escalate to bank_liaison one
 * business day after the expected posting date. Each transition, its public
 * timeline event and its notification commit together.
 */

export type TicketJobOptions = {
  /** Origin of tracking links in notifications (default PUBLIC_BASE_URL, else http://localhost:PORT). */
  baseUrl?: string;
  /** Service time zone (default TZ). */
  timeZone?: string;
};

/**
 * The joined `receipts` row derives as `posted` (postedHaving below), and has no void or refund — the same test as derivePaymentStatus, set-based so that it is re-checked under
 * the row locks of whoever acts on it (waiting tickets here, posting subscriptions).
 */
/**
 * Over a receipt's matched lines `l` (grouped): they make it `posted` — the amount due once, in parts
 * that add up to it, or more than due without a second credit for the full amount (which would be a
 * duplicate). The SQL twin of settledStatus in lib/status.ts.
 */
export function postedHaving(dueFen: SQL): SQL {
  return postedOf({ n: sql`count(*)`, least: sql`min(l.amount_fen)`, total: sql`sum(l.amount_fen)`, exact: sql`count(*) filter (where l.amount_fen = ${dueFen})` }, dueFen);
}

/** The credits' aggregates that decide `posted`: how many, the least, their sum, and how many equal the amount due. */
export type CreditAggregates = { n: SQL; least: SQL; total: SQL; exact: SQL };

/** postedHaving over aggregates already computed (one row per receipt). */
export function postedOf(a: CreditAggregates, dueFen: SQL): SQL {
  return sql`(case when ${a.n} = 1 then ${a.least} >= ${dueFen}
               else ${a.total} = ${dueFen} or (${a.total} > ${dueFen} and ${a.exact} = 0) end)`;
}

export const receiptPosted = sql`${receipts.billingStatus} not in ('voided', 'refunded', 'refund_pending')
  and (select coalesce(${postedHaving(sql`${receipts.amountDueFen}`)}, false)
       from receipt_credits l
       where l.receipt_id = ${receipts.id})`;

/**
 * The receipts just became `posted` (one matched line, amount equal to the
 * amount due — the same test as derivePaymentStatus, done set-based here so
 * it is re-checked under the row locks): their waiting tickets are resolved.
 * Runs inside the matching transaction. Returns how many tickets it resolved.
 */
export async function resolveWaitingTickets(
  receiptIds: number[],
  tx: Executor = db(),
  options: TicketJobOptions & { now?: Date; onlyTicketIds?: number[] } = {},
): Promise<number> {
  if (receiptIds.length === 0 || options.onlyTicketIds?.length === 0) return 0;
  const now = options.now ?? new Date();
  // Plain FOR UPDATE, not SKIP LOCKED: the match happens once, so a ticket a clerk is editing right now must be waited for, not skipped.
  const waiting = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .innerJoin(receipts, or(eq(tickets.receiptId, receipts.id), and(isNull(tickets.receiptId), eq(tickets.receiptNo, receipts.receiptNo))))
    .where(
      and(
        inArray(receipts.id, receiptIds),
        options.onlyTicketIds ? inArray(tickets.id, options.onlyTicketIds) : undefined,
        eq(tickets.status, "waiting_on_settlement"),
        isNull(tickets.mergedIntoId),
        receiptPosted,
      ),
    )
    .orderBy(asc(tickets.id))
    .for("update", { of: tickets });
  if (waiting.length === 0) return 0;

  const resolved = await tx
    .update(tickets)
    .set({ status: "resolved", resolvedAt: now, updatedAt: now, version: sql`${tickets.version} + 1` })
    .where(and(inArray(tickets.id, waiting.map((w) => w.id)), eq(tickets.status, "waiting_on_settlement")))
    .returning({ id: tickets.id, ref: tickets.ref, version: tickets.version, locale: tickets.locale, contact: tickets.payerContact });
  if (resolved.length === 0) return 0;
  await tx.insert(ticketEvents).values(
    resolved.map((t) => ({ ticketId: t.id, at: now, actor: "system", kind: "resolved", public: true, data: { reason: "payment_posted" } })),
  );
  for (const t of resolved) await notify(tx, "ticket_resolved", t, options);
  return resolved.length;
}

/** Tickets taken per run; the oldest expected dates first, so a backlog drains in order. */
const ESCALATION_BATCH = 500;

/**
 * Waiting tickets whose expected posting date is more than one business day
 * gone — the whole business day after the expected date has ended in the
 * service zone and the money still has not posted — become `open` in
 * bank_liaison with a fresh SLA. Rows are taken FOR UPDATE SKIP LOCKED, so
 * instances running this at the same time each escalate different tickets,
 * and never one twice.
 */
export async function escalateWaitingTickets(now: Date, executor: Executor = db(), options: TicketJobOptions = {}): Promise<number> {
  const timeZone = options.timeZone ?? env().TZ;
  const today = zonedParts(now, timeZone).date;
  return executor.transaction(async (tx) => {
    // Escalation day ≥ expected + 1 calendar day, so only these can be due; the calendar decides the rest.
    const candidates = await tx
      .select({ id: tickets.id, expectedDate: tickets.expectedDate, receiptId: tickets.receiptId })
      .from(tickets)
      .where(and(eq(tickets.status, "waiting_on_settlement"), isNull(tickets.mergedIntoId), isNotNull(tickets.expectedDate), lt(tickets.expectedDate, addDays(today, -1))))
      .orderBy(asc(tickets.expectedDate), asc(tickets.id))
      .limit(ESCALATION_BATCH)
      .for("update", { skipLocked: true });
    if (candidates.length === 0) return 0;

    const calendar = await loadCalendar(tx);
    const dueAt = knownYear(() => escalatedDueAt(now, calendar, timeZone));
    if (!dueAt) return 0;
    const dueByDate = new Map<IsoDate, boolean>();
    const due = candidates.filter((c) => {
      const expected = c.expectedDate!;
      if (!dueByDate.has(expected)) dueByDate.set(expected, knownYear(() => escalationDue(expected, today, calendar)) ?? false);
      return dueByDate.get(expected);
    });
    if (due.length === 0) return 0;

    // A payment that posted without the matching hook seeing it (a manual match, say) resolves instead of
    // escalating. Only the tickets this run holds: waiting for another instance's locks could deadlock.
    const receiptIds = [...new Set(due.flatMap((d) => (d.receiptId === null ? [] : [d.receiptId])))];
    await resolveWaitingTickets(receiptIds, tx, { ...options, now, onlyTicketIds: due.map((d) => d.id) });

    const escalated = await tx
      .update(tickets)
      .set({ status: "open", queue: "bank_liaison", priority: 1, dueAt, updatedAt: now, version: sql`${tickets.version} + 1` })
      .where(and(inArray(tickets.id, due.map((d) => d.id)), eq(tickets.status, "waiting_on_settlement")))
      .returning({ id: tickets.id, ref: tickets.ref, version: tickets.version, locale: tickets.locale, contact: tickets.payerContact, expectedDate: tickets.expectedDate });
    if (escalated.length === 0) return 0;
    await tx.insert(ticketEvents).values(
      escalated.map((t) => ({
        ticketId: t.id,
        at: now,
        actor: "system",
        kind: "escalated",
        public: true,
        data: { reason: "not_posted_by_expected_date", queue: "bank_liaison", expectedDate: t.expectedDate },
      })),
    );
    for (const t of escalated) await notify(tx, "ticket_escalated", t, options);
    return escalated.length;
  });
}

/** A calendar answer, or null (logged) when the calendar does not know the year: the ticket waits until an admin adds it. */
function knownYear<T>(answer: () => T): T | null {
  try {
    return answer();
  } catch (error) {
    if (!(error instanceof UnknownYearError)) throw error;
    log("warn", "ticket_escalation_calendar_unknown_year", { year: error.year });
    return null;
  }
}

async function notify(
  tx: Executor,
  kind: NotificationKind,
  ticket: { ref: string; version: number; locale: string; contact: string },
  options: TicketJobOptions,
): Promise<void> {
  await enqueueNotification(tx, {
    channel: channelForContact(ticket.contact),
    // One message per transition: the version makes a later, separate escalation or resolution a new message.
    dedupeKey: `${kind}:${ticket.ref}:v${ticket.version}`,
    payload: {
      kind,
      ticketRef: ticket.ref,
      locale: notificationLocale(ticket.locale),
      to: ticket.contact,
      trackingUrl: new URL(`/t/${ticket.ref}`, baseUrl(options)).toString(),
    },
  });
}

function baseUrl(options: TicketJobOptions): string {
  if (options.baseUrl) return options.baseUrl;
  const config = env();
  return config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
}
