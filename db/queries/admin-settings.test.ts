import { randomBytes } from "node:crypto";
import { and, asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { auditEvents, feeSchedules, tickets } from "../schema";
import {
  calendarSettings,
  feeScheduleSettings,
  listChannels,
  publishCalendarYear,
  removeCalendarOverride,
  setCalendarOverride,
  setFee,
  updateChannel,
} from "./admin-settings";
import { loadCalendar } from "./calendar";
import type { StaffPrincipal } from "./staff-auth";

const { handle } = setupTestDatabase();
const member = (role: StaffPrincipal["role"], id = 31): StaffPrincipal => ({ id, email: "a@paystatus.test", name: "", role, queues: [], isDemo: false, sessionVersion: 1 });
const admin = member("admin");
const auditOf = (action: string, objectId: string) =>
  handle().db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.objectId, objectId))).orderBy(asc(auditEvents.id));

describe(`admin settings on ${databaseKind()}`, () => {
  it("are for admins only, checked in the data layer", async () => {
    for (const who of [member("agent"), member("supervisor")]) {
      await expect(listChannels(who)).rejects.toMatchObject({ code: "forbidden" });
      await expect(updateChannel(who, { code: "cash", lagDays: 2, cutoff: "15:00", lockWindowMinutes: null })).rejects.toMatchObject({ code: "forbidden" });
      await expect(setCalendarOverride(who, { day: "2030-01-02", isBusinessDay: false, note: "" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(setFee(who, { service: "tax", amountFen: 1, effectiveFrom: "2030-01-01" })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await auditOf("channel.update", "cash")).toEqual([]);
  });

  it("change a channel's timing with the previous values in the audit trail", async () => {
    await updateChannel(admin, { code: "pos", lagDays: 2, cutoff: "21:30", lockWindowMinutes: null });
    expect((await listChannels(admin)).find((c) => c.code === "pos")).toMatchObject({ lagDays: 2, cutoff: "21:30", lockWindowMinutes: null });
    const [event] = await auditOf("channel.update", "pos");
    expect(event).toMatchObject({ actor: "staff:31", outcome: "ok", detail: { cutoff: "21:30", previousCutoff: "22:00", previousLagDays: 1, previousLockWindowMinutes: 30 } });
    await expect(updateChannel(admin, { code: "carrier_pigeon", lagDays: 1, cutoff: "10:00", lockWindowMinutes: 5 })).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses a cut-off the database cannot hold, changing nothing", async () => {
    await expect(updateChannel(admin, { code: "cash", lagDays: 1, cutoff: "25:00", lockWindowMinutes: null })).rejects.toThrow();
    expect((await listChannels(admin)).find((c) => c.code === "cash")).toMatchObject({ cutoff: "16:00" });
    expect(await auditOf("channel.update", "cash")).toEqual([]);
  });

  it("override calendar days and publish years, which the business calendar then uses", async () => {
    // 2026-10-09 is a Friday working day; 2026-10-10 a make-up Saturday.
    await setCalendarOverride(admin, { day: "2026-10-09", isBusinessDay: false, note: "typhoon" });
    await setCalendarOverride(admin, { day: "2026-10-09", isBusinessDay: false, note: "typhoon closure" });
    let calendar = await loadCalendar();
    expect(calendar.isBusinessDay("2026-10-09")).toBe(false);
    expect((await calendarSettings(admin)).overrides).toContainEqual({ day: "2026-10-09", isBusinessDay: false, note: "typhoon closure" });
    expect(await auditOf("calendar.override_set", "2026-10-09")).toHaveLength(2);

    await removeCalendarOverride(admin, "2026-10-09");
    calendar = await loadCalendar();
    expect(calendar.isBusinessDay("2026-10-09")).toBe(true);
    await expect(removeCalendarOverride(admin, "2026-10-09")).rejects.toMatchObject({ code: "not_found" });
    expect(await auditOf("calendar.override_removed", "2026-10-09")).toHaveLength(1);

    const year = (await calendarSettings(admin)).libraryYears.last + 3;
    expect(calendar.knowsYear(year)).toBe(false);
    await publishCalendarYear(admin, year);
    await publishCalendarYear(admin, year);
    expect((await loadCalendar()).knowsYear(year)).toBe(true);
    expect((await calendarSettings(admin)).publishedYears).toContain(year);
    expect(await auditOf("calendar.year_published", String(year))).toHaveLength(1);
  });

  it("move open tickets' due days when a day off is added or removed, in the same transaction", async () => {
    // Monday 2026-11-23; due times are the end of the due day in Shanghai.
    const now = new Date("2026-11-23T10:00:00+08:00");
    const endOf = (day: string) => new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 24 * 3600_000).toISOString();
    const seed = async (status: "open" | "waiting_on_payer" | "resolved", due: string) => {
      const [row] = await handle()
        .db.insert(tickets)
        .values({ ref: `T-${randomBytes(4).toString("hex").toUpperCase()}`, category: "other", status, queue: "finance", paymentStatus: "overdue", description: "test", payerContact: "13800000000", trackingTokenHash: randomBytes(16).toString("hex"), createdAt: now, dueAt: new Date(endOf(due)) })
        .returning({ id: tickets.id });
      return row!.id;
    };
    const ids = { open: await seed("open", "2026-11-25"), waiting: await seed("waiting_on_payer", "2026-11-26"), resolved: await seed("resolved", "2026-11-25"), breached: await seed("open", "2026-11-20") };
    const dues = async () => {
      const rows = await handle().db.select({ id: tickets.id, dueAt: tickets.dueAt }).from(tickets).where(inArray(tickets.id, Object.values(ids)));
      const byId = new Map(rows.map((r) => [r.id, r.dueAt!.toISOString()]));
      return Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, byId.get(id)]));
    };
    const original = { open: endOf("2026-11-25"), waiting: endOf("2026-11-26"), resolved: endOf("2026-11-25"), breached: endOf("2026-11-20") };
    expect(await dues()).toEqual(original);

    await setCalendarOverride(admin, { day: "2026-11-24", isBusinessDay: false, note: "typhoon closure" }, now);
    expect(await dues()).toEqual({ ...original, open: endOf("2026-11-26"), waiting: endOf("2026-11-27") });
    expect((await auditOf("calendar.override_set", "2026-11-24"))[0]!.detail).toMatchObject({ isBusinessDay: false, rescheduled: 2 });

    await removeCalendarOverride(admin, "2026-11-24", now);
    expect(await dues()).toEqual(original);
    expect((await auditOf("calendar.override_removed", "2026-11-24"))[0]!.detail).toMatchObject({ rescheduled: 2 });
  });

  it("insert a fee change between existing entries without overlaps or gaps", async () => {
    const entries = async () =>
      (await handle().db.select().from(feeSchedules).where(eq(feeSchedules.service, "tax")).orderBy(asc(feeSchedules.effectiveFrom))).map((e) => [Number(e.amountFen), e.effectiveFrom, e.effectiveTo]);
    await setFee(admin, { service: "tax", amountFen: 1000, effectiveFrom: "2025-01-01" });
    expect(await entries()).toEqual([[1000, "2025-01-01", null]]);
    await setFee(admin, { service: "tax", amountFen: 3000, effectiveFrom: "2027-01-01" });
    expect(await entries()).toEqual([
      [1000, "2025-01-01", "2027-01-01"],
      [3000, "2027-01-01", null],
    ]);
    await setFee(admin, { service: "tax", amountFen: 2000, effectiveFrom: "2026-01-01" });
    expect(await entries()).toEqual([
      [1000, "2025-01-01", "2026-01-01"],
      [2000, "2026-01-01", "2027-01-01"],
      [3000, "2027-01-01", null],
    ]);
    // The same day again corrects that entry's amount.
    await setFee(admin, { service: "tax", amountFen: 2100, effectiveFrom: "2026-01-01" });
    expect(await entries()).toEqual([
      [1000, "2025-01-01", "2026-01-01"],
      [2100, "2026-01-01", "2027-01-01"],
      [3000, "2027-01-01", null],
    ]);
    expect((await feeScheduleSettings(admin)).find((s) => s.code === "tax")!.entries).toHaveLength(3);
    const events = await auditOf("fee.set", "tax");
    expect(events.at(-1)!.detail).toEqual({ amountFen: 2100, effectiveFrom: "2026-01-01", previousFen: 1000 });
    await expect(setFee(admin, { service: "no_such_service", amountFen: 1, effectiveFrom: "2026-01-01" })).rejects.toMatchObject({ code: "not_found" });
  });
});
