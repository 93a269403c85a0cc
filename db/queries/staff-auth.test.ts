import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { DEMO_STAFF, DEMO_STAFF_PASSWORD, seedDemoStaff } from "../seed/demo-staff";
import { auditEvents, staff } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { changeStaffRole, createStaff, endAllSessions, listStaff, setStaffDisabled } from "./staff-accounts";
import { staffForOidcEmail, staffForSession, verifyStaffPassword } from "./staff-auth";

const { handle } = setupTestDatabase();
const PASSWORD = "correct horse battery";
const uniqueEmail = (tag: string) => `${tag}-${randomBytes(4).toString("hex")}@paystatus.test`;

async function newStaff(role: "agent" | "supervisor" | "admin" = "agent", queues: string[] = ["bank_liaison"]) {
  const email = uniqueEmail(role);
  const { id } = await createStaff("cli", { email, role, queues, password: PASSWORD });
  const principal = await principalOf(id);
  return { id, email, principal };
}

async function principalOf(id: number) {
  const [row] = await handle().db.select().from(staff).where(eq(staff.id, id));
  return { id: row!.id, email: row!.email, name: row!.name, role: row!.role, queues: row!.queues, isDemo: row!.isDemo, sessionVersion: row!.sessionVersion };
}

describe(`staff sign-in on ${databaseKind()}`, () => {
  it("accepts the right password, case-insensitive email, and stores only an argon2id hash", async () => {
    const { id, email } = await newStaff();
    const result = await verifyStaffPassword(`  ${email.toUpperCase()} `, PASSWORD);
    expect(result).toEqual({ ok: true, staffId: id, sessionVersion: 1, need: "none" });
    const [row] = await handle().db.select({ hash: staff.passwordHash }).from(staff).where(eq(staff.id, id));
    expect(row!.hash).toMatch(/^\$argon2id\$/);
    expect(row!.hash).not.toContain(PASSWORD);
  });

  it("gives one answer for a wrong password, an unknown email and a disabled account", async () => {
    const { id, email } = await newStaff();
    const other = await newStaff();
    await setStaffDisabled("cli", other.id, true);
    const answers = [
      await verifyStaffPassword(email, "wrong password!!"),
      await verifyStaffPassword(uniqueEmail("nobody"), PASSWORD),
      await verifyStaffPassword(other.email, PASSWORD),
    ];
    expect(answers).toEqual([{ ok: false }, { ok: false }, { ok: false }]);
    const [row] = await handle().db.select({ failedLogins: staff.failedLogins }).from(staff).where(eq(staff.id, id));
    expect(row!.failedLogins).toBe(1);
  });

  it("never locks the owner out: the failing client waits longer each time, another client signs in at once", async () => {
    const { id, email } = await newStaff();
    const now = new Date("2026-11-18T02:00:00Z");
    const attacker = "client-attacker";
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await verifyStaffPassword(email, `wrong-${i}-password`, attacker, now));
    // Three free failures; the fourth try comes too soon after the third.
    expect(answers.slice(0, 3)).toEqual([{ ok: false }, { ok: false }, { ok: false }]);
    expect(answers[3]).toEqual({ ok: false, retryAfterSeconds: 5 });
    // Even the right password from the throttled client waits (it is not checked at all).
    expect(await verifyStaffPassword(email, PASSWORD, attacker, now)).toEqual({ ok: false, retryAfterSeconds: 5 });
    // The owner from a clean client is in at once, and that clears nothing for the attacker.
    expect(await verifyStaffPassword(email, PASSWORD, "client-owner", now)).toMatchObject({ ok: true, staffId: id });
    expect(await verifyStaffPassword(email, "wrong-again-password", attacker, now)).toEqual({ ok: false, retryAfterSeconds: 5 });
    // After the wait the attacker may try again, and the next failure doubles it.
    const later = new Date(now.getTime() + 5000);
    expect(await verifyStaffPassword(email, "wrong-later-password", attacker, later)).toEqual({ ok: false });
    expect(await verifyStaffPassword(email, PASSWORD, attacker, later)).toEqual({ ok: false, retryAfterSeconds: 10 });
    const [row] = await handle().db.select({ lockedUntil: staff.lockedUntil }).from(staff).where(eq(staff.id, id));
    expect(row!.lockedUntil).toBeNull();
  });

  it("counts concurrent failures once each", async () => {
    const { id, email } = await newStaff();
    await Promise.all([1, 2, 3].map((i) => verifyStaffPassword(email, `wrong-${i}-password`)));
    const [row] = await handle().db.select({ failedLogins: staff.failedLogins }).from(staff).where(eq(staff.id, id));
    expect(row!.failedLogins).toBe(3);
  });

  it("audits sign-ins without personal data", async () => {
    const { id, email } = await newStaff();
    await verifyStaffPassword(email, "wrong password!!");
    await verifyStaffPassword(email, PASSWORD);
    const events = await handle().db.select().from(auditEvents).where(eq(auditEvents.objectId, String(id)));
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ["staff.create", "ok"],
      ["staff.sign_in", "refused"],
      ["staff.sign_in", "ok"],
    ]);
    expect(JSON.stringify(events)).not.toContain(email);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it("OIDC finds an existing enabled account only", async () => {
    const { id, email } = await newStaff();
    expect(await staffForOidcEmail(email.toUpperCase())).toEqual({ staffId: id, sessionVersion: 1 });
    expect(await staffForOidcEmail(uniqueEmail("stranger"))).toBeNull();
    await setStaffDisabled("cli", id, true);
    expect(await staffForOidcEmail(email)).toBeNull();
  });
});

describe(`session validity on ${databaseKind()}`, () => {
  it("a session is valid until the staff row's session_version moves on", async () => {
    const { id } = await newStaff();
    expect(await staffForSession(id, 1)).toMatchObject({ id, role: "agent", queues: ["bank_liaison"] });
    expect(await staffForSession(id, 2)).toBeNull();
    expect(await staffForSession(id + 100_000, 1)).toBeNull();
    expect(await staffForSession(Number.NaN, 1)).toBeNull();
  });

  it("disabling, changing role and signing out everywhere each end open sessions", async () => {
    const admin = await newStaff("admin", []);
    const { id } = await newStaff();

    await setStaffDisabled(admin.principal, id, true);
    expect(await staffForSession(id, 1)).toBeNull();
    expect(await staffForSession(id, 2)).toBeNull(); // disabled: no version is valid
    await setStaffDisabled(admin.principal, id, false);
    expect(await staffForSession(id, 3)).toMatchObject({ id });

    await changeStaffRole(admin.principal, id, "supervisor");
    expect(await staffForSession(id, 3)).toBeNull();
    const promoted = await staffForSession(id, 4);
    expect(promoted?.role).toBe("supervisor");

    await endAllSessions(promoted!);
    expect(await staffForSession(id, 4)).toBeNull();
    expect(await staffForSession(id, 5)).toMatchObject({ id });

    const events = await handle().db.select({ action: auditEvents.action, actor: auditEvents.actor }).from(auditEvents).where(eq(auditEvents.objectId, String(id)));
    expect(events.map((e) => e.action)).toEqual(["staff.create", "staff.disable", "staff.enable", "staff.change_role", "staff.sign_out_everywhere"]);
    expect(events[1]!.actor).toBe(`staff:${admin.id}`);
  });

  it("only admins administer accounts, and not their own", async () => {
    const admin = await newStaff("admin", []);
    const agent = await newStaff();
    await expect(setStaffDisabled(agent.principal, admin.id, true)).rejects.toMatchObject({ code: "forbidden" });
    await expect(changeStaffRole(agent.principal, agent.id, "admin")).rejects.toBeInstanceOf(AppError);
    await expect(listStaff(agent.principal)).rejects.toMatchObject({ code: "forbidden" });
    await expect(setStaffDisabled(admin.principal, admin.id, true)).rejects.toMatchObject({ code: "self_change" });
    await expect(setStaffDisabled(admin.principal, 987_654_321, true)).rejects.toMatchObject({ code: "not_found" });
    expect(await staffForSession(admin.id, 1)).toMatchObject({ role: "admin" });
    const listed = await listStaff(admin.principal);
    expect(listed.find((r) => r.id === agent.id)).toMatchObject({ role: "agent", disabled: false });
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    const { email } = await newStaff();
    await expect(createStaff("cli", { email: email.toUpperCase(), role: "admin", queues: [], password: PASSWORD })).rejects.toMatchObject({ code: "conflict", reason: "email_taken" });
  });
});

describe(`demo staff on ${databaseKind()}`, () => {
  it("creates marked demo accounts and refreshes them on every run", async () => {
    await seedDemoStaff(handle().db);
    const agent = DEMO_STAFF.find((s) => s.role === "agent")!;
    const first = await verifyStaffPassword(agent.email, DEMO_STAFF_PASSWORD);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    await setStaffDisabled("cli", first.staffId, true);
    await seedDemoStaff(handle().db);
    const again = await verifyStaffPassword(agent.email, DEMO_STAFF_PASSWORD);
    expect(again).toMatchObject({ ok: true, staffId: first.staffId });
    const rows = await handle().db.select({ email: staff.email, isDemo: staff.isDemo }).from(staff).where(eq(staff.isDemo, true));
    expect(rows.map((r) => r.email).sort()).toEqual(DEMO_STAFF.map((s) => s.email).sort());
  });

  it("enrols the demo supervisor and admin with their published TOTP secrets, and no one else", async () => {
    await seedDemoStaff(handle().db);
    const needs = await Promise.all(DEMO_STAFF.map(async (s) => [s.role, (await verifyStaffPassword(s.email, DEMO_STAFF_PASSWORD)) as { need?: string }] as const));
    expect(needs.map(([role, r]) => [role, r.need])).toEqual([
      ["admin", "code"],
      ["supervisor", "code"],
      ["agent", "none"],
      ["agent", "none"],
      ["agent", "none"],
    ]);
  });
});
