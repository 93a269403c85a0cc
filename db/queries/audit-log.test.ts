import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { auditEvents } from "../schema";
import { listAuditEvents } from "./audit-log";
import { createStaff } from "./staff-accounts";
import type { StaffPrincipal } from "./staff-auth";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const reader = (role: StaffPrincipal["role"]): StaffPrincipal => ({ id: 999, email: "r@paystatus.test", name: "", role, queues: [], isDemo: false, sessionVersion: 1 });

describe(`audit log on ${databaseKind()}`, () => {
  it("refuses agents", async () => {
    await expect(listAuditEvents(reader("agent"), {}, { timeZone: TZ })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("filters by actor email, action prefix, object and service-zone dates, newest first, in keyset pages", async () => {
    const tag = randomBytes(3).toString("hex");
    const email = `audit-${tag}@paystatus.test`;
    const { id } = await createStaff("cli", { email, role: "admin", queues: [], password: null });
    const actor = `staff:${id}`;
    const at = (iso: string) => new Date(iso);
    await handle()
      .db.insert(auditEvents)
      .values([
        // 23:30 on 9 November in Shanghai
        { actor, action: `cal${tag}.override_set`, objectType: "calendar_day", objectId: "2027-01-01", outcome: "ok", at: at("2026-11-09T15:30:00Z") },
        // 00:30 on 10 November in Shanghai
        { actor, action: `cal${tag}.override_removed`, objectType: "calendar_day", objectId: "2027-01-01", outcome: "ok", at: at("2026-11-09T16:30:00Z") },
        { actor, action: `chan${tag}.update`, objectType: "channel", objectId: "pos", outcome: "ok", at: at("2026-11-10T02:00:00Z") },
        { actor: "cli", action: `cal${tag}.year_published`, objectType: "calendar_year", objectId: "2030", outcome: "ok", at: at("2026-11-10T03:00:00Z") },
        // "_" in a filter is a character, not a wildcard
        { actor, action: `calX${tag}.other`, objectType: "calendar_day", objectId: "x", outcome: "ok", at: at("2026-11-10T04:00:00Z") },
      ]);

    const byEmail = await listAuditEvents(reader("supervisor"), { actor: email.toUpperCase() }, { timeZone: TZ });
    expect(byEmail.rows.map((r) => r.action)).toEqual([`calX${tag}.other`, `chan${tag}.update`, `cal${tag}.override_removed`, `cal${tag}.override_set`]);
    expect(byEmail.rows[0]!.actorEmail).toBe(email);

    const calendar = await listAuditEvents(reader("admin"), { action: `cal${tag}.` }, { timeZone: TZ });
    expect(calendar.rows.map((r) => r.action)).toEqual([`cal${tag}.year_published`, `cal${tag}.override_removed`, `cal${tag}.override_set`]);
    expect(calendar.rows[0]!.actorEmail).toBeNull();

    const underscore = await listAuditEvents(reader("admin"), { action: `cal_${tag}` }, { timeZone: TZ });
    expect(underscore.rows).toEqual([]);

    const object = await listAuditEvents(reader("admin"), { objectType: "calendar_day", objectId: "2027-01-01", action: `cal${tag}` }, { timeZone: TZ });
    expect(object.rows).toHaveLength(2);

    const tenth = await listAuditEvents(reader("admin"), { actor, from: "2026-11-10", to: "2026-11-10" }, { timeZone: TZ });
    expect(tenth.rows.map((r) => r.action)).toEqual([`calX${tag}.other`, `chan${tag}.update`, `cal${tag}.override_removed`]);

    const first = await listAuditEvents(reader("admin"), { actor }, { timeZone: TZ, limit: 3 });
    expect(first.rows).toHaveLength(3);
    expect(first.nextBefore).toBe(first.rows[2]!.id);
    const second = await listAuditEvents(reader("admin"), { actor }, { timeZone: TZ, limit: 3, before: first.nextBefore! });
    expect(second.rows.map((r) => r.action)).toEqual([`cal${tag}.override_set`]);
    expect(second.nextBefore).toBeNull();

    expect((await listAuditEvents(reader("admin"), { actor: "nobody@paystatus.test" }, { timeZone: TZ })).rows).toEqual([]);
  });
});
