import "server-only";
import { and, asc, desc, eq, gt, isNull, lt, notInArray, sql } from "drizzle-orm";
import type { IsoDate } from "@/lib/dates";
import { LIBRARY_FIRST_YEAR, LIBRARY_LAST_YEAR, type BusinessCalendar } from "@/lib/calendar";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { rescheduledDueAt } from "@/lib/sla";
import { db, type Tx } from "../client";
import { calendarOverrides, calendarYears, channels, feeSchedules, services, tickets } from "../schema";
import { loadCalendar } from "./calendar";
import { recordAudit, staffActor } from "./audit";
import type { StaffPrincipal } from "./staff-auth";

/**
 * What admins configure: channel timing (lag, cut-off, lock window), the
 * business calendar's overrides and published years, and fee schedules.
 * Input arrives validated (the action's zod schema, which the database's
 * check constraints repeat); here the role is checked again and every change
 * is audited in its own transaction. Status pages derive from these rows on
 * every request, so a change shows at once.
 */

function requireAdmin(actor: StaffPrincipal): void {
  if (actor.role !== "admin") throw new AppError("forbidden");
}

// ── channels ────────────────────────────────────────────────────────────────

export type ChannelSettings = { code: string; nameZh: string; nameEn: string; lagDays: number; cutoff: string; lockWindowMinutes: number | null };

export async function listChannels(actor: StaffPrincipal): Promise<ChannelSettings[]> {
  requireAdmin(actor);
  return db()
    .select({ code: channels.code, nameZh: channels.nameZh, nameEn: channels.nameEn, lagDays: channels.lagDays, cutoff: channels.cutoff, lockWindowMinutes: channels.lockWindowMinutes })
    .from(channels)
    .orderBy(asc(channels.code));
}

export type ChannelChange = { code: string; lagDays: number; cutoff: string; lockWindowMinutes: number | null };

export async function updateChannel(actor: StaffPrincipal, change: ChannelChange, now = new Date()): Promise<void> {
  requireAdmin(actor);
  await db().transaction(async (tx) => {
    const [before] = await tx.select().from(channels).where(eq(channels.code, change.code)).for("update");
    if (!before) throw new AppError("not_found");
    await tx
      .update(channels)
      .set({ lagDays: change.lagDays, cutoff: change.cutoff, lockWindowMinutes: change.lockWindowMinutes, updatedAt: now })
      .where(eq(channels.code, change.code));
    await recordAudit(tx, {
      actor: staffActor(actor.id),
      action: "channel.update",
      objectType: "channel",
      objectId: change.code,
      outcome: "ok",
      detail: {
        lagDays: change.lagDays,
        cutoff: change.cutoff,
        lockWindowMinutes: change.lockWindowMinutes,
        previousLagDays: before.lagDays,
        previousCutoff: before.cutoff,
        previousLockWindowMinutes: before.lockWindowMinutes,
      },
    });
  });
}

// ── calendar ────────────────────────────────────────────────────────────────

export type CalendarSettings = {
  overrides: { day: IsoDate; isBusinessDay: boolean; note: string }[];
  publishedYears: number[];
  libraryYears: { first: number; last: number };
};

export async function calendarSettings(actor: StaffPrincipal): Promise<CalendarSettings> {
  requireAdmin(actor);
  const [overrides, years] = await Promise.all([
    db().select({ day: calendarOverrides.day, isBusinessDay: calendarOverrides.isBusinessDay, note: calendarOverrides.note }).from(calendarOverrides).orderBy(desc(calendarOverrides.day)),
    db().select({ year: calendarYears.year }).from(calendarYears).orderBy(asc(calendarYears.year)),
  ]);
  return { overrides, publishedYears: years.map((y) => y.year), libraryYears: { first: LIBRARY_FIRST_YEAR, last: LIBRARY_LAST_YEAR } };
}

/**
 * Makes `day` a business day or a day off, whatever the statutory calendar says (replacing an earlier
 * override); open tickets' due days follow in the same transaction.
 */
export async function setCalendarOverride(actor: StaffPrincipal, input: { day: IsoDate; isBusinessDay: boolean; note: string }, now = new Date()): Promise<void> {
  requireAdmin(actor);
  await db().transaction(async (tx) => {
    const before = await loadCalendar(tx);
    await tx
      .insert(calendarOverrides)
      .values({ day: input.day, isBusinessDay: input.isBusinessDay, note: input.note, updatedAt: now })
      .onConflictDoUpdate({ target: calendarOverrides.day, set: { isBusinessDay: input.isBusinessDay, note: input.note, updatedAt: now } });
    const rescheduled = await rescheduleOpenTickets(tx, before, now);
    await recordAudit(tx, { actor: staffActor(actor.id), action: "calendar.override_set", objectType: "calendar_day", objectId: input.day, outcome: "ok", detail: { isBusinessDay: input.isBusinessDay, rescheduled } });
  });
}

export async function removeCalendarOverride(actor: StaffPrincipal, day: IsoDate, now = new Date()): Promise<void> {
  requireAdmin(actor);
  await db().transaction(async (tx) => {
    const before = await loadCalendar(tx);
    const removed = await tx.delete(calendarOverrides).where(eq(calendarOverrides.day, day)).returning({ day: calendarOverrides.day });
    if (removed.length === 0) throw new AppError("not_found");
    const rescheduled = await rescheduleOpenTickets(tx, before, now);
    await recordAudit(tx, { actor: staffActor(actor.id), action: "calendar.override_removed", objectType: "calendar_day", objectId: day, outcome: "ok", detail: { rescheduled } });
  });
}

/**
 * Unresolved tickets keep the business days they had left, counted on the calendar as it is now
 * (lib/sla.ts): one set-based update of the tickets whose due time moves. Returns how many moved.
 */
async function rescheduleOpenTickets(tx: Tx, before: BusinessCalendar, now: Date): Promise<number> {
  const after = await loadCalendar(tx);
  const timeZone = env().TZ;
  const open = await tx
    .select({ id: tickets.id, dueAt: tickets.dueAt })
    .from(tickets)
    .where(and(notInArray(tickets.status, ["resolved", "closed"]), isNull(tickets.mergedIntoId), gt(tickets.dueAt, now)))
    .for("update");
  const moved = open.flatMap(({ id, dueAt }) => {
    const next = rescheduledDueAt(dueAt!, now, before, after, timeZone);
    return next.getTime() === dueAt!.getTime() ? [] : [sql`(${id}::bigint, ${next.toISOString()}::timestamptz)`];
  });
  for (let i = 0; i < moved.length; i += 1000) {
    await tx.execute(sql`update ${tickets} set due_at = v.due_at from (values ${sql.join(moved.slice(i, i + 1000), sql`, `)}) v(id, due_at) where ${tickets.id} = v.id`);
  }
  return moved.length;
}

/**
 * Declares a year's holidays complete, so dates in it are computed instead of
 * refused. Publishing twice is harmless (audited once, as the first time).
 */
export async function publishCalendarYear(actor: StaffPrincipal, year: number, now = new Date()): Promise<void> {
  requireAdmin(actor);
  await db().transaction(async (tx) => {
    const inserted = await tx.insert(calendarYears).values({ year, publishedAt: now }).onConflictDoNothing().returning({ year: calendarYears.year });
    if (inserted.length > 0) await recordAudit(tx, { actor: staffActor(actor.id), action: "calendar.year_published", objectType: "calendar_year", objectId: year, outcome: "ok" });
  });
}

// ── fee schedules ───────────────────────────────────────────────────────────

export type FeeScheduleSettings = { code: string; nameZh: string; nameEn: string; entries: { amountFen: number; effectiveFrom: IsoDate; effectiveTo: IsoDate | null }[] }[];

export async function feeScheduleSettings(actor: StaffPrincipal): Promise<FeeScheduleSettings> {
  requireAdmin(actor);
  const [serviceRows, entries] = await Promise.all([
    db().select().from(services).orderBy(asc(services.code)),
    db().select().from(feeSchedules).orderBy(asc(feeSchedules.service), asc(feeSchedules.effectiveFrom)),
  ]);
  return serviceRows.map((s) => ({
    code: s.code,
    nameZh: s.nameZh,
    nameEn: s.nameEn,
    entries: entries.filter((e) => e.service === s.code).map((e) => ({ amountFen: Number(e.amountFen), effectiveFrom: e.effectiveFrom, effectiveTo: e.effectiveTo })),
  }));
}

/**
 * "From `effectiveFrom` the fee for `service` is `amountFen`." Ranges are
 * half-open [from, to): the entry in force before that day now ends on it, and
 * the new one runs until the next later entry (or open-ended). The same day
 * again replaces that entry's amount. The schedule never overlaps or has gaps
 * it did not have before.
 */
export async function setFee(actor: StaffPrincipal, input: { service: string; amountFen: number; effectiveFrom: IsoDate }): Promise<void> {
  requireAdmin(actor);
  await db().transaction(async (tx) => {
    const [service] = await tx.select({ code: services.code }).from(services).where(eq(services.code, input.service)).for("update");
    if (!service) throw new AppError("not_found");
    const [next] = await tx
      .select({ effectiveFrom: feeSchedules.effectiveFrom })
      .from(feeSchedules)
      .where(and(eq(feeSchedules.service, input.service), gt(feeSchedules.effectiveFrom, input.effectiveFrom)))
      .orderBy(asc(feeSchedules.effectiveFrom))
      .limit(1);
    const [previous] = await tx
      .select({ id: feeSchedules.id, amountFen: feeSchedules.amountFen })
      .from(feeSchedules)
      .where(and(eq(feeSchedules.service, input.service), lt(feeSchedules.effectiveFrom, input.effectiveFrom)))
      .orderBy(desc(feeSchedules.effectiveFrom))
      .limit(1);
    if (previous) await tx.update(feeSchedules).set({ effectiveTo: input.effectiveFrom }).where(eq(feeSchedules.id, previous.id));
    await tx
      .insert(feeSchedules)
      .values({ service: input.service, amountFen: input.amountFen, effectiveFrom: input.effectiveFrom, effectiveTo: next?.effectiveFrom ?? null })
      .onConflictDoUpdate({ target: [feeSchedules.service, feeSchedules.effectiveFrom], set: { amountFen: input.amountFen, effectiveTo: next?.effectiveFrom ?? null } });
    await recordAudit(tx, {
      actor: staffActor(actor.id),
      action: "fee.set",
      objectType: "service",
      objectId: input.service,
      outcome: "ok",
      detail: { amountFen: input.amountFen, effectiveFrom: input.effectiveFrom, previousFen: previous ? Number(previous.amountFen) : null },
    });
  });
}
