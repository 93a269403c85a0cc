import "server-only";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { UnknownYearError } from "@/lib/calendar";
import { zonedParts, type IsoDate } from "@/lib/dates";
import { expectedPostingDate } from "@/lib/posting-date";
import { db } from "../client";
import { channels, incidents, receipts, tickets } from "../schema";
import { recordAudit, staffActor } from "./audit";
import { loadCalendar } from "./calendar";
import type { StaffPrincipal } from "./staff";

/**
 * Declaring and ending incidents (SPEC §2 "incident"): a known disruption on
 * one channel (or all) over a range of value dates. While open it is shown on
 * the status pages of the payments it delays (db/queries/status.ts and
 * lib/incidents.ts decide which); here staff see the tickets it caused.
 * Supervisors and admins declare and end; every staff member may look.
 */

export type IncidentInput = { channel: string | null; bank: string | null; valueFrom: IsoDate; valueTo: IsoDate; messageZh: string; messageEn: string };
export type IncidentResult = { ok: true; id: number } | { ok: false; code: "forbidden" | "not_found" | "invalid" };

const mayDeclare = (staff: StaffPrincipal) => staff.role === "supervisor" || staff.role === "admin";

export async function declareIncident(staff: StaffPrincipal, input: IncidentInput, now: Date): Promise<IncidentResult> {
  return db().transaction(async (tx) => {
    if (!mayDeclare(staff)) {
      await recordAudit(tx, { actor: staffActor(staff.id), action: "incident.declare", objectType: "incident", outcome: "refused", detail: { code: "forbidden" } });
      return { ok: false, code: "forbidden" };
    }
    if (input.valueFrom > input.valueTo) return { ok: false, code: "invalid" };
    if (input.channel !== null) {
      const [known] = await tx.select({ code: channels.code }).from(channels).where(eq(channels.code, input.channel));
      if (!known) return { ok: false, code: "invalid" };
    }
    const [row] = await tx.insert(incidents).values({ ...input, createdAt: now }).returning({ id: incidents.id });
    await recordAudit(tx, {
      actor: staffActor(staff.id),
      action: "incident.declare",
      objectType: "incident",
      objectId: row!.id,
      outcome: "ok",
      detail: { channel: input.channel, bank: input.bank, valueFrom: input.valueFrom, valueTo: input.valueTo },
    });
    return { ok: true, id: row!.id };
  });
}

export async function endIncident(staff: StaffPrincipal, id: number, now: Date): Promise<IncidentResult> {
  return db().transaction(async (tx) => {
    if (!mayDeclare(staff)) {
      await recordAudit(tx, { actor: staffActor(staff.id), action: "incident.end", objectType: "incident", objectId: id, outcome: "refused", detail: { code: "forbidden" } });
      return { ok: false, code: "forbidden" };
    }
    const [row] = await tx.update(incidents).set({ endedAt: now }).where(and(eq(incidents.id, id), isNull(incidents.endedAt))).returning({ id: incidents.id });
    if (!row) return { ok: false, code: "not_found" };
    await recordAudit(tx, { actor: staffActor(staff.id), action: "incident.end", objectType: "incident", objectId: id, outcome: "ok" });
    return { ok: true, id };
  });
}

/** Open incidents first, then the most recently declared ended ones. */
export async function listIncidents(_staff: StaffPrincipal, limit = 50) {
  return db()
    .select()
    .from(incidents)
    .orderBy(sql`${incidents.endedAt} is null desc`, desc(incidents.createdAt), desc(incidents.id))
    .limit(limit);
}

export async function incidentById(_staff: StaffPrincipal, id: number) {
  const [row] = await db().select().from(incidents).where(eq(incidents.id, id)).limit(1);
  return row ?? null;
}

type TicketQueue = (typeof tickets.$inferSelect)["queue"];

/** Longest stretch from payment to expected posting worth looking at (a T+1 channel over the Spring Festival week). */
const LOOKBACK_DAYS = 31;
const MAX_TICKETS = 200;

/**
 * The tickets an incident groups, so staff answer them once: tickets linked to
 * it when they were opened (tickets.incident_id), and tickets on receipts of
 * its channel whose days from payment to expected posting overlap its value
 * dates — the same rule as lib/incidents.ts, which also catches tickets
 * opened before the incident was declared. Agents see their queues only.
 */
export async function incidentTickets(staff: StaffPrincipal, incident: typeof incidents.$inferSelect, timeZone: string) {
  if (staff.role === "agent" && staff.queues.length === 0) return [];
  const rows = await db()
    .select({
      ref: tickets.ref,
      status: tickets.status,
      queue: tickets.queue,
      category: tickets.category,
      dueAt: tickets.dueAt,
      linked: sql<boolean>`${tickets.incidentId} is not null and ${tickets.incidentId} = ${incident.id}`,
      receiptNo: tickets.receiptNo,
      paidAt: receipts.paidAt,
      lagDays: channels.lagDays,
      cutoff: channels.cutoff,
    })
    .from(tickets)
    .leftJoin(receipts, eq(receipts.id, tickets.receiptId))
    .leftJoin(channels, eq(channels.code, receipts.channel))
    .where(
      and(
        sql`(${tickets.incidentId} = ${incident.id} or (
              ${tickets.status} not in ('resolved', 'closed') and ${tickets.mergedIntoId} is null
              and (${incident.channel}::text is null or ${receipts.channel} = ${incident.channel})
              and ${receipts.paidAt} is not null
              and (${receipts.paidAt} at time zone ${timeZone})::date between ${incident.valueFrom}::date - ${LOOKBACK_DAYS}::int and ${incident.valueTo}::date))`,
        staff.role === "agent" ? inArray(tickets.queue, staff.queues as TicketQueue[]) : undefined,
      ),
    )
    .orderBy(tickets.dueAt, tickets.id)
    .limit(MAX_TICKETS);

  const calendar = await loadCalendar();
  return rows.filter((row) => {
    if (row.linked) return true;
    if (!row.paidAt || row.lagDays === null || row.cutoff === null) return false;
    const paidDate = zonedParts(row.paidAt, timeZone).date;
    let until: IsoDate = paidDate;
    try {
      until = expectedPostingDate(row.paidAt, { lagDays: row.lagDays, cutoff: row.cutoff }, calendar, timeZone);
    } catch (error) {
      if (!(error instanceof UnknownYearError)) throw error;
    }
    return incident.valueFrom <= until && incident.valueTo >= paidDate;
  });
}

/** The payment channels with their names, for choosing one in a form. */
export async function channelChoices() {
  return db().select({ code: channels.code, nameZh: channels.nameZh, nameEn: channels.nameEn }).from(channels).orderBy(channels.code);
}
