import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditEvents, calendarOverrides, channels } from "@/db/schema";
import { createStaff } from "@/db/queries/staff-accounts";
import { setupTestDatabase } from "@/db/testing/test-db";
import { LIBRARY_LAST_YEAR } from "@/lib/calendar";

// Auth.js cannot load outside Next's bundler: only its session reader is replaced; the staff row comes from the database.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string }; sessionVersion: number; expires: string } }));
vi.mock("@/auth", () => ({ auth: () => Promise.resolve(session.current) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { handle } = setupTestDatabase();
afterEach(() => {
  session.current = null;
});

async function signedIn(role: "agent" | "supervisor" | "admin") {
  const { id } = await createStaff("cli", { email: `adm-${role}-${randomBytes(4).toString("hex")}@paystatus.test`, role, queues: [], password: null });
  session.current = { user: { id: String(id) }, sessionVersion: 1, expires: new Date(Date.now() + 3600_000).toISOString() };
  return id;
}
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

describe("admin settings actions", () => {
  it("refuse supervisors and agents before reading the input", async () => {
    const { updateChannelAction, setCalendarOverrideAction } = await import("./actions");
    for (const role of ["agent", "supervisor"] as const) {
      await signedIn(role);
      expect(await updateChannelAction(undefined, form({ code: "cash", lagDays: "2", cutoff: "15:00", lockWindowMinutes: "" }))).toEqual({ ok: false, code: "forbidden" });
      expect(await setCalendarOverrideAction(undefined, new FormData())).toEqual({ ok: false, code: "forbidden" });
    }
    const [cash] = await handle().db.select().from(channels).where(eq(channels.code, "cash"));
    expect(cash).toMatchObject({ lagDays: 1, cutoff: "16:00" });
  });

  it("name each invalid field and change nothing", async () => {
    const { updateChannelAction, setFeeAction, publishCalendarYearAction, setCalendarOverrideAction } = await import("./actions");
    await signedIn("admin");
    const channel = await updateChannelAction(undefined, form({ code: "cash", lagDays: "31", cutoff: "4pm", lockWindowMinutes: "0" }));
    expect(channel).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys((channel as { fieldErrors: object }).fieldErrors).sort()).toEqual(["cutoff", "lagDays", "lockWindowMinutes"]);
    const fee = await setFeeAction(undefined, form({ service: "tax", amount: "12.345", effectiveFrom: "2026-02-30" }));
    expect(Object.keys((fee as { fieldErrors: object }).fieldErrors).sort()).toEqual(["amount", "effectiveFrom"]);
    const year = await publishCalendarYearAction(undefined, form({ year: String(LIBRARY_LAST_YEAR) }));
    expect(year).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys((year as { fieldErrors: object }).fieldErrors)).toEqual(["year"]);
    const day = await setCalendarOverrideAction(undefined, form({ day: "2030-01-02" }));
    expect(day).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys((day as { fieldErrors: object }).fieldErrors)).toEqual(["isBusinessDay"]);
    expect(await handle().db.select().from(calendarOverrides).where(eq(calendarOverrides.day, "2030-01-02"))).toEqual([]);
    const [cash] = await handle().db.select().from(channels).where(eq(channels.code, "cash"));
    expect(cash).toMatchObject({ lagDays: 1, cutoff: "16:00", lockWindowMinutes: null });
  });

  it("save valid changes, audited under the admin", async () => {
    const { updateChannelAction, setCalendarOverrideAction, removeCalendarOverrideAction } = await import("./actions");
    const adminId = await signedIn("admin");
    expect(await updateChannelAction(undefined, form({ code: "counter", lagDays: "2", cutoff: " 15:30 ", lockWindowMinutes: "" }))).toEqual({ ok: true, done: "channel_saved" });
    const [counter] = await handle().db.select().from(channels).where(eq(channels.code, "counter"));
    expect(counter).toMatchObject({ lagDays: 2, cutoff: "15:30", lockWindowMinutes: null });
    expect(await updateChannelAction(undefined, form({ code: "zeppelin", lagDays: "1", cutoff: "10:00", lockWindowMinutes: "5" }))).toEqual({ ok: false, code: "not_found" });

    expect(await setCalendarOverrideAction(undefined, form({ day: "2030-01-02", isBusinessDay: "false", note: "测试" }))).toEqual({ ok: true, done: "calendar_saved" });
    expect(await removeCalendarOverrideAction(undefined, form({ day: "2030-01-02" }))).toEqual({ ok: true, done: "calendar_removed" });
    expect(await removeCalendarOverrideAction(undefined, form({ day: "2030-01-02" }))).toEqual({ ok: false, code: "not_found" });
    const events = await handle().db.select().from(auditEvents).where(and(eq(auditEvents.actor, `staff:${adminId}`)));
    expect(events.map((e) => `${e.action} ${e.objectId}`)).toEqual(["channel.update counter", "calendar.override_set 2030-01-02", "calendar.override_removed 2030-01-02"]);
  });
});
