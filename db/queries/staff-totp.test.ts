import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { totpCode } from "@/lib/auth/totp";
import { db } from "../client";
import { auditEvents, staff, staffSignInChallenges } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { createStaff } from "./staff-accounts";
import {
  challengeNeed,
  confirmTotpEnrolment,
  openSignInChallenge,
  purgeSignInChallenges,
  redeemSignInChallenge,
  regenerateRecoveryCodes,
  resetStaffTotp,
  startTotpEnrolment,
  totpStatus,
  verifySecondFactor,
} from "./staff-totp";

setupTestDatabase();
const t0 = new Date();
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

async function supervisor() {
  const email = `totp-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role: "supervisor", queues: [], password: "a long enough password" });
  return { id, email };
}

async function enrolled() {
  const member = await supervisor();
  const enrolment = await startTotpEnrolment(member.id);
  if (enrolment?.state !== "pending") throw new Error("no pending enrolment");
  const confirmed = await confirmTotpEnrolment(member.id, totpCode(enrolment.secret, at(-30)), "client-a", undefined, at(-30));
  if (!confirmed.ok) throw new Error("enrolment refused");
  return { ...member, secret: enrolment.secret, recoveryCodes: confirmed.recoveryCodes };
}

const actions = async (id: number) =>
  (await db().select({ action: auditEvents.action, outcome: auditEvents.outcome }).from(auditEvents).where(eq(auditEvents.objectId, String(id)))).filter((e) => e.action !== "staff.create");

describe(`staff TOTP on ${databaseKind()}`, () => {
  it("enrolment keeps one pending secret, stores it sealed, confirms with a first code and gives 10 recovery codes once", async () => {
    const { id } = await supervisor();
    const first = await startTotpEnrolment(id);
    const again = await startTotpEnrolment(id);
    expect(first).toMatchObject({ state: "pending" });
    expect(again).toEqual(first);
    if (first?.state !== "pending") throw new Error("pending");
    expect(first.uri).toMatch(/^otpauth:\/\/totp\/paystatus:.*secret=/);
    const [row] = await db().select({ secret: staff.totpSecret, enabled: staff.totpEnabledAt }).from(staff).where(eq(staff.id, id));
    expect(row!.secret).not.toContain(first.secret);
    expect(row!.enabled).toBeNull();

    expect(await confirmTotpEnrolment(id, "000000", "client-a", undefined, t0)).toMatchObject({ ok: false, reason: "wrong_code" });
    const confirmed = await confirmTotpEnrolment(id, totpCode(first.secret, t0), "client-a", undefined, t0);
    expect(confirmed.ok && confirmed.recoveryCodes).toHaveLength(10);
    expect(await confirmTotpEnrolment(id, totpCode(first.secret, at(30)), "client-a", undefined, at(30))).toMatchObject({ ok: false, reason: "enrolled" });
    expect(await startTotpEnrolment(id)).toEqual({ state: "enrolled" });
    expect(await actions(id)).toEqual([
      { action: "staff.totp_enrol", outcome: "refused" },
      { action: "staff.totp_enrol", outcome: "ok" },
    ]);
  });

  it("a code against a challenge starts one session; the same code is refused again, a wrong one counts in the throttle", async () => {
    const member = await enrolled();
    const challenge = await openSignInChallenge(db(), member.id, 1, "code", t0);
    expect(await challengeNeed(challenge, t0)).toEqual({ need: "code", staffId: member.id, satisfied: false });
    // Without a code the challenge starts nothing.
    expect(await redeemSignInChallenge(challenge, t0)).toMatchObject({ ok: false });
    expect(await verifySecondFactor(challenge, "000000", "client-b", t0)).toEqual({ ok: false });
    expect(await verifySecondFactor(challenge, totpCode(member.secret, t0), "client-b", t0)).toEqual({ ok: true, staffId: member.id, sessionVersion: 1 });
    // Spent: neither the challenge nor the code works twice.
    expect(await verifySecondFactor(challenge, totpCode(member.secret, t0), "client-b", t0)).toEqual({ ok: false, reason: "expired" });
    const second = await openSignInChallenge(db(), member.id, 1, "code", at(5));
    expect(await verifySecondFactor(second, totpCode(member.secret, t0), "client-b", at(5))).toEqual({ ok: false });
    // A challenge from before a session-version bump, or older than 10 minutes, is dead.
    const stale = await openSignInChallenge(db(), member.id, 0, "code", t0);
    expect(await verifySecondFactor(stale, totpCode(member.secret, at(30)), "client-b", at(30))).toEqual({ ok: false, reason: "expired" });
    const old = await openSignInChallenge(db(), member.id, 1, "code", at(-11 * 60));
    expect(await verifySecondFactor(old, totpCode(member.secret, at(30)), "client-b", at(30))).toEqual({ ok: false, reason: "expired" });
  });

  it("repeated wrong codes from one client make it wait, like wrong passwords", async () => {
    const member = await enrolled();
    const challenge = await openSignInChallenge(db(), member.id, 1, "code", t0);
    for (let i = 0; i < 3; i++) expect(await verifySecondFactor(challenge, "000000", "client-c", t0)).toEqual({ ok: false });
    expect(await verifySecondFactor(challenge, totpCode(member.secret, t0), "client-c", t0)).toEqual({ ok: false, retryAfterSeconds: 5 });
  });

  it("a recovery code works once, in any case and spacing, and is audited", async () => {
    const member = await enrolled();
    const code = member.recoveryCodes[3]!;
    const one = await openSignInChallenge(db(), member.id, 1, "code", t0);
    expect(await verifySecondFactor(one, code.toLowerCase().replaceAll("-", " "), "client-d", t0)).toMatchObject({ ok: true });
    const two = await openSignInChallenge(db(), member.id, 1, "code", t0);
    expect(await verifySecondFactor(two, code, "client-d", t0)).toEqual({ ok: false });
    const events = await actions(member.id);
    expect(events).toContainEqual({ action: "staff.recovery_code_used", outcome: "ok" });
  });

  it("a challenge that owes nothing, or whose enrolment was confirmed, starts one session", async () => {
    const member = await supervisor();
    const challenge = await openSignInChallenge(db(), member.id, 1, "enrol", t0);
    expect(await redeemSignInChallenge(challenge, t0)).toMatchObject({ ok: false });
    const enrolment = await startTotpEnrolment(member.id);
    if (enrolment?.state !== "pending") throw new Error("pending");
    expect(await confirmTotpEnrolment(member.id, totpCode(enrolment.secret, t0), "client-e", challenge, t0)).toMatchObject({ ok: true });
    expect(await redeemSignInChallenge(challenge, t0)).toEqual({ ok: true, staffId: member.id, sessionVersion: 1 });
    expect(await redeemSignInChallenge(challenge, t0)).toMatchObject({ ok: false });
  });

  it("an admin reset forgets the factor and its recovery codes, ends sessions, and is audited", async () => {
    const member = await enrolled();
    expect(await resetStaffTotp(99, member.id, t0)).toBe(true);
    const [row] = await db().select({ secret: staff.totpSecret, enabled: staff.totpEnabledAt, sv: staff.sessionVersion }).from(staff).where(eq(staff.id, member.id));
    expect(row).toEqual({ secret: null, enabled: null, sv: 2 });
    const challenge = await openSignInChallenge(db(), member.id, 2, "code", t0);
    expect(await verifySecondFactor(challenge, member.recoveryCodes[0]!, "client-f", t0)).toEqual({ ok: false, reason: "expired" });
    expect(await actions(member.id)).toContainEqual({ action: "staff.totp_reset", outcome: "ok" });
  });

  it("an admin cannot reset their own second factor", async () => {
    const member = await enrolled();
    await expect(resetStaffTotp(member.id, member.id, t0)).rejects.toMatchObject({ code: "self_change" });
  });

  it("new recovery codes need a current code, replace every older one, and count wrong codes", async () => {
    const member = await enrolled();
    expect(await totpStatus(member.id)).toEqual({ enrolled: true, recoveryCodesLeft: 10 });
    expect(await regenerateRecoveryCodes(member.id, "000000", "client-g", t0)).toEqual({ ok: false, reason: "wrong_code" });
    const fresh = await regenerateRecoveryCodes(member.id, totpCode(member.secret, t0), "client-g", t0);
    expect(fresh.ok && fresh.recoveryCodes).toHaveLength(10);
    if (!fresh.ok) return;
    expect(fresh.recoveryCodes).not.toContain(member.recoveryCodes[0]);
    // The old set is dead, the new one works.
    const one = await openSignInChallenge(db(), member.id, 1, "code", at(5));
    expect(await verifySecondFactor(one, member.recoveryCodes[0]!, "client-g", at(5))).toEqual({ ok: false });
    expect(await verifySecondFactor(one, fresh.recoveryCodes[0]!, "client-g", at(5))).toMatchObject({ ok: true });
    expect(await totpStatus(member.id)).toEqual({ enrolled: true, recoveryCodesLeft: 9 });
    // The code that minted them is spent too.
    expect(await regenerateRecoveryCodes(member.id, totpCode(member.secret, t0), "client-g", at(5))).toEqual({ ok: false, reason: "wrong_code" });
    const { id: plain } = await supervisor();
    expect(await regenerateRecoveryCodes(plain, "123456", "client-g", t0)).toEqual({ ok: false, reason: "not_enrolled" });
    expect(await actions(member.id)).toContainEqual({ action: "staff.recovery_codes_regenerate", outcome: "ok" });
  });

  it("the worker's purge removes spent and expired challenges and keeps live ones", async () => {
    const member = await supervisor();
    const live = await openSignInChallenge(db(), member.id, 1, "enrol", t0);
    const old = await openSignInChallenge(db(), member.id, 1, "none", at(-11 * 60));
    const spent = await openSignInChallenge(db(), member.id, 1, "none", t0);
    expect(await redeemSignInChallenge(spent, t0)).toMatchObject({ ok: true });
    expect(await purgeSignInChallenges(t0)).toBeGreaterThanOrEqual(2);
    const left = await db().select({ staffId: staffSignInChallenges.staffId }).from(staffSignInChallenges).where(eq(staffSignInChallenges.staffId, member.id));
    expect(left).toHaveLength(1);
    expect(await challengeNeed(live, t0)).toMatchObject({ need: "enrol" });
    expect(await challengeNeed(old, t0)).toBeNull();
  });
});
