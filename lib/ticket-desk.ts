import { z } from "zod";
import { UnknownYearError, type BusinessCalendar } from "./calendar";
import { addDays, zonedInstant, zonedParts, type IsoDate } from "./dates";
import { TICKET_CATEGORIES, TICKET_QUEUES, TICKET_STATUSES, type TicketStatus } from "./routing";

/**
 * The rules of the staff ticket desk (SPEC §2.3, issue 6): which action is
 * allowed from which ticket status, how the SLA clock resumes after waiting on
 * the resident, and the queue page's keyset cursor and filters.
 */

/** Every kind of ticket_events row the code writes: the console names each (lib/i18n/staff-terms.test.ts). */
export const TICKET_EVENT_KINDS = [
  "created", "resident_reply", "reply", "note", "info_requested", "escalated", "resolved", "closed", "claimed", "assigned", "transferred",
  "merged", "merged_from", "rated", "rating_follow_up", "proof_added", "status_changed", "proof_checked",
  "correction_prepared", "correction_approved", "correction_rejected", "correction_paid_out",
] as const;

export const ACTIVE_STATUSES = ["open", "waiting_on_payer", "waiting_on_settlement"] as const satisfies readonly TicketStatus[];

export const TICKET_ACTIONS = ["claim", "assign", "reply", "note", "ask_info", "transfer", "merge", "resolve", "close"] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** From which statuses each action may be taken. A closed ticket only takes internal notes. */
export const ALLOWED_FROM: Record<TicketAction, readonly TicketStatus[]> = {
  claim: ACTIVE_STATUSES,
  assign: ACTIVE_STATUSES,
  reply: [...ACTIVE_STATUSES, "resolved"],
  note: TICKET_STATUSES,
  // Asking again while already waiting would restart nothing useful; answer or resolve instead.
  ask_info: ["open"],
  transfer: ACTIVE_STATUSES,
  merge: ACTIVE_STATUSES,
  resolve: ACTIVE_STATUSES,
  close: [...ACTIVE_STATUSES, "resolved"],
};

export function actionAllowed(action: TicketAction, status: TicketStatus): boolean {
  return ALLOWED_FROM[action].includes(status);
}

export type SlaState = "none" | "paused" | "breached" | "running";

/**
 * How the SLA clock stands: paused while waiting on the resident (a pause is
 * not a breach: the clock is stopped), breached once the due time has passed
 * while it runs. The queue counts use the same definition.
 */
export function slaState(ticket: { status: TicketStatus; dueAt: Date | null; pausedAt: Date | null }, now: Date): SlaState {
  if (!ticket.dueAt || !(ACTIVE_STATUSES as readonly string[]).includes(ticket.status)) return "none";
  if (ticket.pausedAt) return "paused";
  return ticket.dueAt <= now ? "breached" : "running";
}

/** Business days on which the clock stood still: from the day the pause began up to, not including, the day it ended. */
export function pausedBusinessDays(pausedAt: Date, resumedAt: Date, calendar: BusinessCalendar, timeZone: string): number {
  const end = zonedParts(resumedAt, timeZone).date;
  let count = 0;
  for (let day = zonedParts(pausedAt, timeZone).date; day < end; day = addDays(day, 1)) if (calendar.isBusinessDay(day)) count += 1;
  return count;
}

/**
 * The due time after a pause: the SLA counts business days (lib/sla.ts puts
 * the due time at the end of a business day), so it moves out by the business
 * days the pause took — a pause over a weekend or a holiday costs the clerk
 * nothing extra, and one within a single day moves nothing. For a year the
 * calendar does not know, it falls back to moving by the elapsed time.
 */
export function resumedDueAt(dueAt: Date | null, pausedAt: Date | null, now: Date, calendar: BusinessCalendar, timeZone: string): Date | null {
  if (!dueAt || !pausedAt || now <= pausedAt) return dueAt;
  try {
    const lost = pausedBusinessDays(pausedAt, now, calendar, timeZone);
    if (lost === 0) return dueAt;
    const lastDay = zonedParts(new Date(dueAt.getTime() - 1), timeZone).date;
    return zonedInstant(addDays(calendar.addBusinessDays(lastDay, lost), 1), "00:00", timeZone);
  } catch (error) {
    if (!(error instanceof UnknownYearError)) throw error;
    return new Date(dueAt.getTime() + (now.getTime() - pausedAt.getTime()));
  }
}

/** Keyset position on the queue page: (due_at, id), due_at null sorting last. */
export type QueueCursor = { dueAt: Date | null; id: number };

export function encodeCursor(cursor: QueueCursor): string {
  return Buffer.from(`${cursor.dueAt ? cursor.dueAt.getTime() : ""}~${cursor.id}`).toString("base64url");
}

/** Null for anything that is not a cursor this page made (a bad cursor starts from the first page). */
export function decodeCursor(value: string | undefined | null): QueueCursor | null {
  if (!value || value.length > 64) return null;
  const match = /^(\d{0,15})~(\d{1,15})$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match) return null;
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  return { dueAt: match[1] ? new Date(Number(match[1])) : null, id };
}

const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

/** The queue page's filters, from the query string; anything unknown falls back to the default. */
export const ZQueueFilters = z.object({
  status: z.enum(TICKET_STATUSES).catch("open"),
  assigned: z.enum(["any", "me", "unassigned"]).catch("any"),
  category: z.preprocess(emptyToUndefined, z.enum(TICKET_CATEGORIES).optional()).catch(undefined),
  cursor: z.preprocess(emptyToUndefined, z.string().max(64).optional()).catch(undefined),
  /** Issue 18, the dashboard's headline links: open tickets past their due time, or due by the end of today. */
  due: z.preprocess(emptyToUndefined, z.enum(["overdue", "today"]).optional()).catch(undefined),
});
export type TQueueFilters = z.infer<typeof ZQueueFilters>;

export const ZQueueName = z.enum(TICKET_QUEUES);
/** A queue page, or `all`: every queue the caller may see, in one list (the dashboard links there). */
export const ZQueueView = z.enum([...TICKET_QUEUES, "all"]);
export type QueueView = z.infer<typeof ZQueueView>;

/** The due day a resident or clerk reads (the last business day of the SLA), from the stored end-of-day instant. */
export function dueDay(dueAt: Date, timeZone: string): IsoDate {
  return zonedParts(new Date(dueAt.getTime() - 1), timeZone).date;
}

/** How long a ticket has been open, for the queue (issue 18): whole hours under a day, then whole days. */
export function ticketAge(createdAt: Date, now: Date): { unit: "hours" | "days"; n: number } {
  const hours = Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / 3_600_000));
  return hours < 24 ? { unit: "hours", n: hours } : { unit: "days", n: Math.floor(hours / 24) };
}
